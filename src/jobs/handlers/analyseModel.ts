// 'analyse-model': after a model is imported from disk, read its graph and config.json in the IO worker
// (hook points, tensors, sizes) and store the analysis the model card shows.
import { finishStoredModel } from '../../services/models/finish-model';
import { openBlobStore } from '../../store/open-blob-store';
import { modelRepo } from '../../store/repos/models';
import type { JobHandler } from '../handlers';
import type { IoLaneEnv } from '../ioLane';

export class AnalyseModelParamsError extends Error {
  override readonly name = 'AnalyseModelParamsError';
  readonly action = 'Import the model again.';
}

export const analyseModelHandler: JobHandler<IoLaneEnv> = async (ctx) => {
  const params = ctx.job.params;
  if (typeof params !== 'object' || params === null || !('modelId' in params) || typeof params.modelId !== 'string') {
    throw new AnalyseModelParamsError('This analysis job names no model.');
  }
  if (!(await modelRepo.get(params.modelId))) return { status: 'completed', message: 'The model was deleted before it was analysed.' };
  await ctx.reportProgress({ phase: 'analysing', done: 0, total: 1, message: 'Reading the graph for hook points' });
  const model = await finishStoredModel(params.modelId, await openBlobStore());
  const layers = model.info?.layers;
  return { status: 'completed', message: layers ? `${layers} layers; hook points read from the graph` : 'Graph read' };
};
