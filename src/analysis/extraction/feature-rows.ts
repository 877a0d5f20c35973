// The statistics columns of a feature row, from one latent's extraction results. Labels, notes, category
// and favourites belong to the user and are never part of this (the features repository keeps them).
import type { FeatureRecord } from '../../domain/entities';
import type { FeatureStats } from '../feature-stats';

export type FeatureRowStats = Pick<FeatureRecord, 'index'> &
  Required<Pick<FeatureRecord, 'density' | 'maxActivation' | 'meanActivation' | 'topTokens' | 'fired' | 'tokens' | 'dead' | 'dense' | 'extractionId'>>;

export function featureRowStats(stats: FeatureStats, topTokens: readonly string[], extractionId: string): FeatureRowStats {
  return {
    index: stats.index,
    density: stats.density,
    maxActivation: stats.maxActivation,
    meanActivation: stats.meanActivation,
    fired: stats.fired,
    tokens: stats.tokens,
    dead: stats.dead ? 1 : 0,
    dense: stats.dense ? 1 : 0,
    topTokens: [...topTokens],
    extractionId,
  };
}

/** Counts shown for a finished extraction. */
export interface ExtractionSummary {
  alive: number;
  dead: number;
  dense: number;
  denseThreshold: number;
}

export function extractionSummary(dSae: number, deadAndDense: { dead: readonly number[]; dense: readonly number[] }, denseThreshold: number): ExtractionSummary {
  return { alive: dSae - deadAndDense.dead.length, dead: deadAndDense.dead.length, dense: deadAndDense.dense.length, denseThreshold };
}
