// The last step of adding a model (download or import): read its graph and config.json, store the
// analysis beside its files, and mark it ready with the summary the list and card show.
import type { ModelRecord } from '../../domain/entities';
import type { BlobStore } from '../../store/blob-store';
import { modelRepo, setModelStatus } from '../../store/repos/models';
import { analyzeModel, modelInfo } from './model-analysis';
import { readModelBytes, readModelConfig, writeModelAnalysis } from './model-files';

export async function finishStoredModel(modelId: string, blobs: BlobStore): Promise<ModelRecord> {
  const model = await modelRepo.require(modelId);
  const config = await readModelConfig(model, blobs);
  const { graph } = await readModelBytes(model, blobs);
  const analysis = analyzeModel(graph, config);
  const stored = await writeModelAnalysis(modelId, analysis, blobs);
  const files = [...model.files.filter((f) => f.role !== 'analysis'), stored];
  const patch = { files, info: modelInfo(analysis, config), error: undefined };
  if (model.status === 'ready') return modelRepo.update(modelId, patch);
  if (model.status === 'pending' || model.status === 'failed') await setModelStatus(modelId, model.status === 'failed' ? 'pending' : 'running');
  const current = await modelRepo.require(modelId);
  if (current.status === 'pending') await setModelStatus(modelId, 'running');
  return setModelStatus(modelId, 'ready', patch);
}
