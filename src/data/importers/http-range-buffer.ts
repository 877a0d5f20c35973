// An AsyncBuffer over HTTP range requests, built on fetch alone (works in the browser, workers and Node).
// The size comes from a HEAD request, or from the Content-Range of a one-byte GET where HEAD fails.
import type { AsyncBuffer } from './byte-source';
import { DatasetImportError } from './errors';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpRangeBufferOptions {
  /** fetch to use; default globalThis.fetch */
  fetch?: FetchLike;
  /** extra headers on every request, e.g. Authorization */
  headers?: Record<string, string>;
  /** known size: skips the size request */
  byteLength?: number;
  signal?: AbortSignal;
}

export interface HttpRangeBuffer extends AsyncBuffer {
  readonly url: string;
  /** requests made and bytes received so far, for progress and tests */
  readonly requests: number;
  readonly bytesFetched: number;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Maps an HTTP failure to a typed error a user can act on. */
export function httpError(url: string, status: number, statusText = ''): DatasetImportError {
  if (status === 401 || status === 403) {
    return new DatasetImportError(
      'auth',
      `Access to ${url} was refused (HTTP ${status}): the dataset is private or gated.`,
      'Accept the dataset’s terms on the Hub if it is gated, and add an access token that can read it.',
      { status },
    );
  }
  if (status === 404) {
    return new DatasetImportError('not-found', `Nothing was found at ${url} (HTTP 404).`, 'Check the repository name, revision, subset, split and file path.', { status });
  }
  return new DatasetImportError('http', `The server answered HTTP ${status}${statusText ? ` ${statusText}` : ''} for ${url}.`, 'Try again later; if it persists, check the address.', { status });
}

function networkError(url: string, cause: unknown): DatasetImportError {
  return new DatasetImportError('network', `Could not reach ${hostOf(url)}.`, 'Check your internet connection and try again.', {}, { cause });
}

function rangeUnsupported(url: string): DatasetImportError {
  return new DatasetImportError(
    'range-unsupported',
    `The server for ${hostOf(url)} does not support partial downloads (Range requests), so the file cannot be streamed.`,
    'Download the file and import it from your computer instead.',
  );
}

async function request(fetchFn: FetchLike, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (cause) {
    if (cause instanceof Error && cause.name === 'AbortError') throw cause;
    throw networkError(url, cause);
  }
}

/** Total size from "Content-Range: bytes 0-0/12345"; null when absent or unknown ("*"). */
export function totalFromContentRange(header: string | null): number | null {
  const match = header?.match(/\/(\d+)\s*$/);
  return match ? Number(match[1]) : null;
}

async function discoverByteLength(fetchFn: FetchLike, url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<number> {
  const head = await request(fetchFn, url, { method: 'HEAD', headers, signal });
  if (head.ok) {
    // the Hub reports an LFS file's size in x-linked-size when HEAD is not followed to the CDN
    const length = head.headers.get('content-length') ?? head.headers.get('x-linked-size');
    if (length !== null && /^\d+$/.test(length)) return Number(length);
  } else if (head.status === 401 || head.status === 404) {
    throw httpError(url, head.status, head.statusText);
  }
  // HEAD refused (some signed URLs answer 403/405) or without a size: ask for one byte instead
  const probe = await request(fetchFn, url, { headers: { ...headers, Range: 'bytes=0-0' }, signal });
  await probe.body?.cancel();
  if (probe.status === 206) {
    const total = totalFromContentRange(probe.headers.get('content-range'));
    if (total !== null) return total;
  }
  if (!probe.ok) throw httpError(url, probe.status, probe.statusText);
  throw rangeUnsupported(url);
}

export async function httpRangeBuffer(url: string, options: HttpRangeBufferOptions = {}): Promise<HttpRangeBuffer> {
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const headers = options.headers ?? {};
  const { signal } = options;
  const byteLength = options.byteLength ?? (await discoverByteLength(fetchFn, url, headers, signal));
  let requests = 0;
  let bytesFetched = 0;
  return {
    url,
    byteLength,
    get requests() {
      return requests;
    },
    get bytesFetched() {
      return bytesFetched;
    },
    async slice(start: number, end: number = byteLength): Promise<ArrayBuffer> {
      const from = Math.max(0, start);
      const to = Math.min(byteLength, end);
      if (to <= from) return new ArrayBuffer(0);
      requests++;
      const response = await request(fetchFn, url, { headers: { ...headers, Range: `bytes=${from}-${to - 1}` }, signal });
      if (response.status === 200 && !(from === 0 && to === byteLength)) {
        await response.body?.cancel();
        throw rangeUnsupported(url);
      }
      if (!response.ok) throw httpError(url, response.status, response.statusText);
      const body = await response.arrayBuffer();
      bytesFetched += body.byteLength;
      if (body.byteLength !== to - from) {
        throw new DatasetImportError(
          'truncated',
          `The server sent ${body.byteLength} bytes of ${url} where ${to - from} were asked for: the file changed or the connection dropped.`,
          'Try again.',
        );
      }
      return body;
    },
  };
}
