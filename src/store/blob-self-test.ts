// A quick end-to-end check of a BlobStore in the running browser (used by the System page and the e2e
// tests): a 3 MiB streamed write, ranged and streamed reads, listing, and deletion.
import type { BlobStore } from './blob-store';

export interface BlobSelfTestStep {
  name: string;
  ok: boolean;
  ms: number;
  detail?: string;
}

export interface BlobSelfTestReport {
  kind: BlobStore['kind'];
  ok: boolean;
  bytes: number;
  steps: BlobSelfTestStep[];
}

const TOTAL = 3 * 1024 * 1024;
const PIECE = 64 * 1024;

/** Deterministic bytes, so any range can be checked without keeping the source. */
function byteAt(i: number): number {
  return (i * 2654435761 + (i >>> 13)) & 0xff;
}

function expected(start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = byteAt(i);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function patternStream(): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= TOTAL) {
        controller.close();
        return;
      }
      const end = Math.min(TOTAL, offset + PIECE);
      controller.enqueue(expected(offset, end));
      offset = end;
    },
  });
}

export async function selfTestBlobStore(store: BlobStore): Promise<BlobSelfTestReport> {
  const key = `selftest/${crypto.randomUUID()}/blob.bin`;
  const steps: BlobSelfTestStep[] = [];
  const step = async (name: string, run: () => Promise<string | undefined>): Promise<void> => {
    const t0 = performance.now();
    try {
      const problem = await run();
      steps.push({ name, ok: problem === undefined, ms: performance.now() - t0, ...(problem ? { detail: problem } : {}) });
    } catch (err) {
      steps.push({ name, ok: false, ms: performance.now() - t0, detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    }
  };

  await step('write 3 MiB streamed', async () => {
    let lastProgress = 0;
    const { bytes } = await store.write(key, patternStream(), { onProgress: (b) => (lastProgress = b) });
    if (bytes !== TOTAL) return `wrote ${bytes} bytes, expected ${TOTAL}`;
    return lastProgress === TOTAL ? undefined : `progress ended at ${lastProgress}`;
  });
  await step('size and has', async () => {
    const [size, has] = await Promise.all([store.size(key), store.has(key)]);
    return size === TOTAL && has ? undefined : `size ${size}, has ${has}`;
  });
  await step('read ranges', async () => {
    const mib = 1024 * 1024;
    for (const [s, e] of [[0, 16], [mib - 7, mib + 9], [2 * mib + 12345, 2 * mib + 70000], [TOTAL - 5, TOTAL + 100]] as const) {
      const got = await store.readRange(key, s, e);
      if (!sameBytes(got, expected(s, Math.min(e, TOTAL)))) return `range [${s}, ${e}) differs`;
    }
    return undefined;
  });
  await step('read stream', async () => {
    const reader = store.stream(key).getReader();
    let offset = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!sameBytes(value, expected(offset, offset + value.length))) return `stream differs near byte ${offset}`;
      offset += value.length;
    }
    return offset === TOTAL ? undefined : `stream gave ${offset} bytes`;
  });
  await step('read whole', async () => {
    const blob = await store.read(key);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    return sameBytes(bytes, expected(0, TOTAL)) ? undefined : 'whole read differs';
  });
  await step('list', async () => {
    const keys = await store.list(key.slice(0, key.lastIndexOf('/') + 1));
    return keys.length === 1 && keys[0] === key ? undefined : `listed ${JSON.stringify(keys)}`;
  });
  await step('delete', async () => {
    await store.delete(key);
    return (await store.has(key)) ? 'still there after delete' : undefined;
  });

  return { kind: store.kind, ok: steps.every((s) => s.ok), bytes: TOTAL, steps };
}
