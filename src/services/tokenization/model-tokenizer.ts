// A stored model's tokenizer, built from its tokenizer.json (+ tokenizer_config.json) in the BlobStore.
import { TokenizeError, tokenizerFromJson, type TextTokenizer } from '../../data/tokenize';
import type { ModelRecord } from '../../domain/entities';
import type { BlobStore } from '../../store/blob-store';

/** Whether a model carries what tokenization needs. */
export function hasTokenizer(model: Pick<ModelRecord, 'files'>): boolean {
  return model.files.some((f) => f.role === 'tokenizer');
}

async function readJson(blobs: BlobStore, key: string, name: string): Promise<unknown> {
  const text = await (await blobs.read(key)).text();
  try {
    return JSON.parse(text);
  } catch {
    throw new TokenizeError(`The model's ${name} is not valid JSON.`, 'Import the model files again.');
  }
}

export async function loadModelTokenizer(model: Pick<ModelRecord, 'name' | 'files'>, blobs: BlobStore): Promise<TextTokenizer> {
  const json = model.files.find((f) => f.role === 'tokenizer');
  if (!json) {
    throw new TokenizeError(`The model "${model.name}" has no tokenizer.json, so its text cannot be tokenized.`, 'Import the model again together with its tokenizer.json.');
  }
  const config = model.files.find((f) => f.role === 'tokenizer-config');
  return tokenizerFromJson(await readJson(blobs, json.blobKey, json.name), config ? await readJson(blobs, config.blobKey, config.name) : {});
}
