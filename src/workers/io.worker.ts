// IO worker: downloads, imports and tokenization, beside the GPU worker.
import { expose } from 'comlink';
import { ioHandlers } from '../jobs/ioLane';
import { dexieRunnerStore } from '../jobs/jobStore';
import { createIoWorkerApi } from '../jobs/workerApi';

expose(createIoWorkerApi(ioHandlers(), dexieRunnerStore));
