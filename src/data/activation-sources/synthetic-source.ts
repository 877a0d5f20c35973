// The synthetic superposition data behind the ActivationSource interface (CPU arrays).
import { SuperpositionSource } from '../synthetic';
import type { ActivationSource } from './source';

export function openSyntheticSource(spec: { features: number; dIn: number; activeProb: number; seed: number }): ActivationSource {
  const inner = new SuperpositionSource({ dIn: spec.dIn, features: spec.features, activeProb: spec.activeProb, seed: spec.seed });
  const scaled = (x: Float32Array, scale: number) => {
    if (scale !== 1) for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) * scale;
    return x;
  };
  return {
    dIn: spec.dIn,
    nextBatch: async (B, scale = 1) => scaled(inner.nextBatch(B), scale),
    sample: async (rows) => inner.nextBatch(rows),
    getState: () => inner.getState(),
    setState: (state) => inner.setState(state),
    destroy: async () => {},
  };
}
