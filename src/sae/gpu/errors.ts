// Typed failures of GPU training, with messages a user can act on.
import type { StepMetrics } from '../config';

/** A step produced a non-finite loss (or gradient norm). Parameters were left at their last finite values. */
export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
  constructor(
    /** the step (from 0) whose loss was not finite */
    readonly step: number,
    /** metrics of the steps before it that had not been returned yet */
    readonly metricsBefore: StepMetrics[],
  ) {
    super(
      `Training diverged at step ${step}: the loss became NaN or infinite. The parameters were kept at their ` +
        'last finite values; lower the learning rate, enable gradient clipping, or check the activations for ' +
        'extreme values, then resume from the last checkpoint.',
    );
  }
}

/** The SAE or the batch does not fit this GPU's buffer limits. */
export class GpuCapacityError extends Error {
  override name = 'GpuCapacityError';
}

/** The trainer was given inconsistent input (shapes, state). */
export class GpuTrainerInputError extends Error {
  override name = 'GpuTrainerInputError';
}
