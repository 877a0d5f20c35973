// The last step of adding a model (download or import): read its graph and config.json, store the
// analysis beside its files, and mark it ready with the summary the list and card show.
import type { ModelRecord } from '../../domain/entities';
import type { BlobStore } from '../../store/blob-store';
import { modelRepo } from '../../store/repos/models';
import { analyzeModel, modelInfo } from './model-analysis';
import { readModelBytes, readModelConfig, writeModelAnalysis } from './model-files';
import { moveModelTo } from './model-status';

export async function finishStoredModel(modelId: string, blobs: BlobStore): Promise<ModelRecord> {
  const model = await modelRepo.require(modelId);
  const config = await readModelConfig(model, blobs);
  const { graph } = await readModelBytes(model, blobs);
  const analysis = analyzeModel(graph, config);
  const stored = await writeModelAnalysis(modelId, analysis, blobs);
  const files = [...model.files.filter((f) => f.role !== 'analysis'), stored];
  return moveModelTo(modelId, 'ready', { files, info: modelInfo(analysis, config), error: undefined });
}
