// GPU worker: owns the GPUDevice and runs GPU-lane jobs one at a time.
import { expose } from 'comlink';
import { gpuHandlers } from '../jobs/gpuLane';
import { browserGpuSession } from '../jobs/gpuSession';
import { dexieRunnerStore } from '../jobs/jobStore';
import { createGpuWorkerApi } from '../jobs/workerApi';

expose(createGpuWorkerApi(browserGpuSession(), gpuHandlers(), dexieRunnerStore));
