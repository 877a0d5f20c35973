// 'train': trains an SAE in the GPU worker (see trainLoop.ts for the work itself). Checks the run fits the
// device before allocating anything, so a too-large SAE fails with a message that says what to reduce.
import { webOrt } from '../../lm/runner/ort-web';
import { estimateMemory, checkDeviceLimits } from '../../sae/training/estimate';
import { openBlobStore } from '../../store/open-blob-store';
import { trainingRepo } from '../../store/repos/trainings';
import type { JobHandler } from '../handlers';
import type { GpuLaneEnv } from '../gpuLane';
import { parseTrainJobParams, runTraining } from './trainLoop';
import { openTrainingSource } from './trainSource';
import { GpuStepTrainer } from './trainTrainer';

export class TrainingDoesNotFitError extends Error {
  override name = 'TrainingDoesNotFitError';
  readonly action = 'Create a new training with a smaller d_sae or batch size.';
}

export const trainHandler: JobHandler<GpuLaneEnv> = async (ctx) => {
  const { trainingId } = parseTrainJobParams(ctx.job.params);
  const training = await trainingRepo.require(trainingId);
  const { device } = await ctx.env.gpu();
  const memory = estimateMemory({ ...training.config, batchSize: training.batchSize, totalSteps: training.config.total_steps });
  const problems = checkDeviceLimits(memory, device.limits);
  if (problems.length > 0) throw new TrainingDoesNotFitError(problems.map((p) => p.message).join(' '));
  const blobs = await openBlobStore();
  return runTraining(ctx, {
    createTrainer: (config, init) => GpuStepTrainer.create(device, config, init),
    blobs,
    now: () => performance.now(),
    // a model source runs ONNX Runtime on this same device, so its batches reach the trainer without a copy
    openSource: (spec) => openTrainingSource(spec, { blobs, device, ort: webOrt(), seed: training.seed, batchSize: training.batchSize }),
  });
};
