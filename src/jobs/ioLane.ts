// The IO lane: CPU and network jobs (downloads, imports, tokenization), beside the GPU lane.
import { HandlerRegistry } from './handlers';
import { analyseModelHandler } from './handlers/analyseModel';
import { downloadModelHandler } from './handlers/downloadModel';
import { importDatasetHandler } from './handlers/importDataset';
import { tokenizeHandler } from './handlers/tokenize';

/** IO jobs get nothing beyond the job context: storage and fetch are available in any worker. */
export type IoLaneEnv = Record<string, never>;

export function ioHandlers(): HandlerRegistry<IoLaneEnv> {
  return new HandlerRegistry<IoLaneEnv>('io')
    .register('import-dataset', importDatasetHandler)
    .register('tokenize', tokenizeHandler)
    .register('download-model', downloadModelHandler)
    .register('analyse-model', analyseModelHandler);
}
