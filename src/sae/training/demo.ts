// The built-in one-click demo: a TopK SAE that recovers 48 known directions squeezed into 16 dimensions.
// With ~3 features active per sample it reaches MMCS ≈ 1 in a few thousand steps (well under two minutes
// on a laptop GPU). The small variant is the same experiment at a size a software GPU trains in seconds.
import { validateSaeConfig } from '../config';
import { validateTrainingSpec, type TrainingSpec } from './spec';

export interface DemoShape {
  dIn: number;
  features: number;
  dSae: number;
  k: number;
  activeFeatures: number;
  batchSize: number;
  steps: number;
  lr: number;
}

export const TOY_SUPERPOSITION: DemoShape = { dIn: 16, features: 48, dSae: 96, k: 3, activeFeatures: 3, batchSize: 256, steps: 6000, lr: 2e-3 };

export const TOY_SUPERPOSITION_SMALL: DemoShape = { dIn: 8, features: 16, dSae: 32, k: 2, activeFeatures: 2, batchSize: 64, steps: 400, lr: 1e-2 };

export function demoSpec(shape: DemoShape = TOY_SUPERPOSITION, seed = 1): TrainingSpec {
  const config = validateSaeConfig({
    architecture: 'topk',
    d_in: shape.dIn,
    d_sae: shape.dSae,
    k: shape.k,
    k_aux: Math.max(1, shape.dIn / 2),
    lr: shape.lr,
    lr_warmup_steps: 0,
    lr_decay_steps: Math.round(shape.steps / 5),
    total_steps: shape.steps,
    dead_steps_threshold: Math.max(50, Math.round(shape.steps / 12)),
  });
  const metricsEvery = Math.max(1, Math.round(shape.steps / 1000));
  return validateTrainingSpec({
    name: `Toy superposition (${shape.features} features in ${shape.dIn} dims)`,
    config,
    batchSize: shape.batchSize,
    seed,
    source: { kind: 'synthetic', features: shape.features, dIn: shape.dIn, activeProb: shape.activeFeatures / shape.features, seed },
    checkpointEvery: Math.round(shape.steps / 6),
    keepCheckpoints: 3,
    inputScaling: false,
    bDecInit: 'zeros',
    metricsEvery,
    mmcsEvery: metricsEvery * 10,
  });
}
