// Where a model's files live in the BlobStore and how they are read back: the graph, its external data,
// config.json, the tokenizer files, and the analysis written when the model was stored.
import type { ModelRecord, StoredFile } from '../../domain/entities';
import type { ExternalDataFile } from '../../lm/runner/lm-session';
import type { BlobStore } from '../../store/blob-store';
import { blobKey } from '../../store/blob-key';
import { parseModelAnalysis, type ModelAnalysis } from './model-analysis';

export type ModelFileRole = 'model' | 'external-data' | 'config' | 'tokenizer' | 'tokenizer-config' | 'analysis';

export const ANALYSIS_FILE = 'analysis.json';

/** The key of one of a model's files; `path` is its repository path (folders kept). */
export function modelFileKey(modelId: string, path: string): string {
  return blobKey('models', modelId, ...path.split('/').filter(Boolean));
}

/** The prefix under which every file of a model lives (for deleting them all). */
export function modelFolder(modelId: string): string {
  return `${blobKey('models', modelId)}/`;
}

export class ModelFilesError extends Error {
  override readonly name = 'ModelFilesError';
  readonly action = 'Delete the model and add it again.';
}

function fileOf(model: Pick<ModelRecord, 'files'>, role: ModelFileRole): StoredFile | undefined {
  return model.files.find((f) => f.role === role);
}

async function readJson(blobs: BlobStore, file: StoredFile): Promise<unknown> {
  const text = await (await blobs.read(file.blobKey)).text();
  try {
    return JSON.parse(text);
  } catch {
    throw new ModelFilesError(`The model's ${file.name} is not valid JSON.`);
  }
}

export async function readModelConfig(model: Pick<ModelRecord, 'files'>, blobs: BlobStore): Promise<unknown> {
  const file = fileOf(model, 'config');
  return file ? readJson(blobs, file) : undefined;
}

export async function readModelAnalysis(model: Pick<ModelRecord, 'files'>, blobs: BlobStore): Promise<ModelAnalysis | undefined> {
  const file = fileOf(model, 'analysis');
  return file ? parseModelAnalysis(await readJson(blobs, file)) : undefined;
}

export interface ModelBytes {
  graph: Uint8Array;
  externalData: ExternalDataFile[];
}

/** The graph and its external data, as ONNX Runtime takes them (external data under the names the graph uses). */
export async function readModelBytes(model: Pick<ModelRecord, 'name' | 'files'>, blobs: BlobStore): Promise<ModelBytes> {
  const graphFile = fileOf(model, 'model');
  if (!graphFile) throw new ModelFilesError(`The model "${model.name}" has no stored .onnx file.`);
  const graph = new Uint8Array(await (await blobs.read(graphFile.blobKey)).arrayBuffer());
  const externalData: ExternalDataFile[] = [];
  for (const file of model.files.filter((f) => f.role === 'external-data')) {
    externalData.push({ path: file.name, data: new Uint8Array(await (await blobs.read(file.blobKey)).arrayBuffer()) });
  }
  return { graph, externalData };
}

/** The stored file entry for a model's analysis, replacing any earlier one. */
export async function writeModelAnalysis(modelId: string, analysis: ModelAnalysis, blobs: BlobStore): Promise<StoredFile> {
  const key = modelFileKey(modelId, ANALYSIS_FILE);
  const { bytes } = await blobs.write(key, new TextEncoder().encode(JSON.stringify(analysis)));
  return { role: 'analysis', name: ANALYSIS_FILE, blobKey: key, bytes };
}
