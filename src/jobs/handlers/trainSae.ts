// The SAE a finished training leaves behind: SAELens weights (input scale folded in) in the BlobStore and an
// SaeRecord with the SAELens cfg.json and the final metrics.
import type { ActivationSourceSpec, SaeRecord } from '../../domain/entities';
import type { SaeConfig, StepMetrics } from '../../sae/config';
import { SAELENS_WEIGHTS_FILENAME, saeLensFiles, toSaeLens, type SaeLensMetadata } from '../../sae/formats/saelens';
import type { TrainerState } from '../../sae/state';
import type { BlobStore } from '../../store/blob-store';
import { saeRepo } from '../../store/repos/saes';

export function saeWeightsKey(trainingId: string): string {
  return `saes/training-${trainingId}/${SAELENS_WEIGHTS_FILENAME}`;
}

export interface FinishedTraining {
  trainingId: string;
  name: string;
  source: ActivationSourceSpec;
  config: SaeConfig;
  state: TrainerState;
  metrics: Partial<StepMetrics> & Record<string, number>;
  meta?: Partial<SaeLensMetadata>;
}

/** Folds the input scale into the weights, stores them as SAELens safetensors and records the SAE. */
export async function createSaeFromTraining(done: FinishedTraining, blobs: BlobStore): Promise<SaeRecord> {
  const { state, config } = done;
  const exported = toSaeLens(state.params, config, done.meta ?? {}, { inputScale: state.inputScale, thresholdBatch: state.thresholdBatch });
  const files = saeLensFiles(exported);
  const blobKey = saeWeightsKey(done.trainingId);
  await blobs.write(blobKey, files[SAELENS_WEIGHTS_FILENAME]!);
  return saeRepo.create({
    name: done.name,
    architecture: config.architecture,
    dIn: config.d_in,
    dSae: config.d_sae,
    origin: { kind: 'training', trainingId: done.trainingId },
    source: done.source,
    blobKey,
    cfg: { ...exported.cfgJson },
    metrics: done.metrics,
  });
}
