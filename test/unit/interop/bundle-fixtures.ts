// A small studio for bundle tests: rows of every bundled table, blobs in memory (one a multi-MB model file
// generated chunk by chunk, never held whole), and a fake importer that commits like the real one will.
import type { DatasetRecord, ExtractionTemplate, FeatureExampleRecord, FeatureRecord, ModelRecord, SaeRecord, TrainingTemplate } from '../../../src/domain/entities';
import { saeLensFiles, toSaeLens } from '../../../src/sae/formats/saelens';
import type { BundleBlobReader, BundleRows, ImportPlan, ImportTarget } from '../../../src/interop/bundle';
import { Prng } from '../../../src/sae/prng';
import { META, trained } from './helpers';

export const MODEL_FILE_BYTES = 6 * 1024 * 1024 + 123;
export const SOURCE_CHUNK = 64 * 1024;

/** Deterministic bytes of the big model file, chunk `i` of SOURCE_CHUNK bytes. */
export function modelChunk(i: number): Uint8Array {
  const n = Math.min(SOURCE_CHUNK, MODEL_FILE_BYTES - i * SOURCE_CHUNK);
  const rng = new Prng(1000 + i);
  const out = new Uint8Array(n);
  for (let j = 0; j < n; j += 4) {
    const v = rng.nextUint32();
    out[j] = v & 255;
    if (j + 1 < n) out[j + 1] = (v >>> 8) & 255;
    if (j + 2 < n) out[j + 2] = (v >>> 16) & 255;
    if (j + 3 < n) out[j + 3] = v >>> 24;
  }
  return out;
}

export function saeWeights(): { bytes: Uint8Array; cfg: Record<string, unknown> } {
  const { config, params } = trained('topk', 7);
  const exp = toSaeLens(params, config, META);
  return { bytes: saeLensFiles(exp)['sae_weights.safetensors']!, cfg: exp.cfgJson as unknown as Record<string, unknown> };
}

export function studioRows(): BundleRows {
  const { cfg } = saeWeights();
  const trainingTemplates: TrainingTemplate[] = [
    {
      id: 'tt1',
      name: 'TopK 32',
      description: 'a template',
      builtIn: true,
      favourite: 1,
      config: { architecture: 'topk', k: 32, lr: 0.001, total_steps: 1000, grad_clip_norm: null },
      batchSize: 4096,
      expansionFactor: 8,
      source: { kind: 'model', modelId: 'm1', tokenizationId: 'tok1', hook: 'blocks.0.hook_resid_post' },
      createdAt: 1,
      updatedAt: 2,
    },
    { id: 'tt2', name: 'Synthetic', description: '', builtIn: false, favourite: 0, config: { architecture: 'relu' }, batchSize: 256, source: { kind: 'synthetic', features: 16, dIn: 8, activeProb: 0.05, seed: 3 }, createdAt: 3, updatedAt: 3 },
  ];
  const extractionTemplates: ExtractionTemplate[] = [
    {
      id: 'et1',
      name: 'Quick',
      description: '',
      builtIn: false,
      favourite: 0,
      maxTokens: 100000,
      batchSize: 32,
      topK: 20,
      contextPrefix: 8,
      contextSuffix: 4,
      quantileExamples: 5,
      tokenFilters: { skipSpecialTokens: true, skipWhitespace: false, skipPunctuation: false, skipTokens: ['<pad>'] },
      createdAt: 4,
      updatedAt: 4,
    },
  ];
  const models: ModelRecord[] = [
    {
      id: 'm1',
      name: 'tiny-gpt',
      source: { kind: 'hub', repo: 'Xenova/gpt2', revision: 'main', file: 'onnx/model.onnx' },
      status: 'ready',
      files: [
        { role: 'model', name: 'model.onnx', blobKey: 'models/m1/model.onnx', bytes: MODEL_FILE_BYTES },
        { role: 'tokenizer', name: 'tokenizer.json', blobKey: 'models/m1/tokenizer.json', bytes: 17 },
      ],
      info: { dModel: 5, layers: 2 },
      createdAt: 5,
      updatedAt: 5,
    },
  ];
  const datasets: DatasetRecord[] = [
    {
      id: 'd1',
      name: 'tiny text',
      source: { kind: 'local', fileName: 'tiny.txt', format: 'txt' },
      status: 'ready',
      rows: 3,
      chars: 30,
      bytes: 30,
      parts: [{ blobKey: 'datasets/d1/part-000', documents: 3, bytes: 40 }],
      createdAt: 6,
      updatedAt: 6,
    },
  ];
  const saes: SaeRecord[] = [
    {
      id: 's1',
      name: 'L0 TopK',
      architecture: 'topk',
      dIn: 5,
      dSae: 8,
      origin: { kind: 'training', trainingId: 't1' },
      modelId: 'm1',
      hook: 'blocks.0.hook_resid_post',
      blobKey: 'saes/training-t1/sae_weights.safetensors',
      cfg,
      metrics: { mse: 0.25, l0: 2 },
      createdAt: 7,
      updatedAt: 7,
    },
  ];
  const features: FeatureRecord[] = Array.from({ length: 8 }, (_, index) => ({
    id: `s1:${index}`,
    saeId: 's1',
    index,
    label: index === 3 ? 'the word "the"' : '',
    category: index === 3 ? 'syntax' : '',
    notes: '',
    favourite: index === 3 ? 1 : 0,
    density: 0.01 * (index + 1),
    maxActivation: index + 0.5,
    topTokens: ['the', 'a'],
    updatedAt: 8,
  }));
  const featureExamples: FeatureExampleRecord[] = [0, 1, 2].map((rank) => ({
    id: `s1:3:top:${rank}`,
    saeId: 's1',
    featureIndex: 3,
    kind: 'top' as const,
    rank,
    tokens: ['Once', ' upon', ' the', ' time'],
    activations: [0, 0.5, 3 - rank, 0],
  }));
  return { trainingTemplates, extractionTemplates, models, datasets, saes, features, featureExamples };
}

/** Blobs of the studio: small ones in memory, the model file generated chunk by chunk. */
export function studioBlobs(): { reader: BundleBlobReader; pulled: () => number; small: Map<string, Uint8Array> } {
  const small = new Map<string, Uint8Array>([
    ['models/m1/tokenizer.json', new TextEncoder().encode('{"model":"bpe"}\n\n')],
    ['datasets/d1/part-000', new Uint8Array(40).fill(7)],
    ['saes/training-t1/sae_weights.safetensors', saeWeights().bytes],
  ]);
  let pulled = 0;
  const reader: BundleBlobReader = {
    stream(key) {
      if (key === 'models/m1/model.onnx') {
        return (async function* () {
          for (let i = 0; i * SOURCE_CHUNK < MODEL_FILE_BYTES; i++) {
            pulled++;
            yield modelChunk(i);
          }
        })();
      }
      const bytes = small.get(key);
      if (!bytes) throw new Error(`no blob ${key}`);
      return bytes;
    },
    async size(key) {
      return key === 'models/m1/model.onnx' ? MODEL_FILE_BYTES : small.get(key)!.length;
    },
  };
  return { reader, pulled: () => pulled, small };
}

/** A studio's database and BlobStore in memory, with the importer's commit protocol. */
export class FakeStudio implements ImportTarget {
  readonly tables = new Map<string, Map<string, unknown>>();
  readonly blobs = new Map<string, Uint8Array>();
  private counter = 0;

  newId = (): string => `new-${++this.counter}`;

  hasRow(table: string, id: string): boolean {
    return this.tables.get(table)?.has(id) ?? false;
  }

  hasBlob(key: string): boolean {
    return this.blobs.has(key);
  }

  put(table: string, row: { id: string }): void {
    const t = this.tables.get(table) ?? new Map<string, unknown>();
    t.set(row.id, row);
    this.tables.set(table, t);
  }

  /** Blobs to temporary keys first; rows only after every blob arrived whole. */
  async apply(plan: ImportPlan): Promise<void> {
    const temp = new Map<string, Uint8Array>();
    for (const blob of plan.blobs) {
      const reader = blob.stream().getReader();
      const parts: Uint8Array[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
      }
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      temp.set(blob.key, out);
    }
    for (const [key, bytes] of temp) this.blobs.set(key, bytes);
    for (const [table, rows] of Object.entries(plan.rows)) for (const row of rows as { id: string }[]) this.put(table, row);
  }
}
