// The golden-fixture format `mistudio-sae-fixture/1` (see ../shared/SAE_SPEC.md): pure parsing, no I/O.
import { validateSaeConfig, type Architecture, type SaeConfig, type SaeParams, type StepMetrics } from './config';

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

export interface SaeFixture {
  arch: Architecture;
  config: SaeConfig;
  steps: number;
  init: Record<string, FixtureTensor>;
  batches: FixtureTensor[];
  expected?: {
    step0: {
      hidden_pre: number[] | FixtureTensor;
      feature_acts: number[] | FixtureTensor;
      x_hat: number[] | FixtureTensor;
      grads: Record<string, number[] | FixtureTensor>;
    };
    metrics: Partial<StepMetrics>[];
    final: Record<string, FixtureTensor>;
    final_threshold?: number;
  };
}

export class FixtureError extends Error {
  override name = 'FixtureError';
}

/** Parses and checks a fixture document; `config.architecture` is filled from `arch`. */
export function parseFixture(json: unknown): SaeFixture {
  if (typeof json !== 'object' || json === null) throw new FixtureError('Fixture must be a JSON object.');
  const doc = json as Record<string, unknown>;
  if (doc.format !== undefined && doc.format !== 'mistudio-sae-fixture/1') {
    throw new FixtureError(`Unknown fixture format ${JSON.stringify(doc.format)} (expected mistudio-sae-fixture/1).`);
  }
  const rawConfig = doc.config as Partial<SaeConfig> | undefined;
  const arch = (doc.arch ?? rawConfig?.architecture) as Architecture;
  if (!rawConfig) throw new FixtureError('Fixture has no config.');
  const config = validateSaeConfig({ ...rawConfig, architecture: arch });
  const init = doc.init as Record<string, FixtureTensor> | undefined;
  const batches = doc.batches as FixtureTensor[] | undefined;
  if (!init || !Array.isArray(batches) || batches.length === 0) throw new FixtureError('Fixture needs init and batches.');
  for (const b of batches) {
    if (b.shape?.length !== 2 || b.shape[1] !== config.d_in || b.data.length !== b.shape[0] * b.shape[1]) {
      throw new FixtureError(`Batch shape ${JSON.stringify(b.shape)} does not match d_in=${config.d_in}.`);
    }
  }
  const steps = typeof doc.steps === 'number' ? doc.steps : batches.length;
  return { arch, config, steps, init, batches, expected: doc.expected as SaeFixture['expected'] };
}

/** Flat numbers of a fixture value that may be a bare array or a {shape, data} tensor. */
export function flat(v: number[] | FixtureTensor): number[] {
  return Array.isArray(v) ? v : v.data;
}

export function fixtureParams(fx: SaeFixture): SaeParams {
  const t = (name: string) => {
    const v = fx.init[name];
    if (!v) throw new FixtureError(`Fixture init lacks ${name}.`);
    return Float32Array.from(v.data);
  };
  const p: SaeParams = { W_enc: t('W_enc'), b_enc: t('b_enc'), W_dec: t('W_dec'), b_dec: t('b_dec') };
  if (fx.arch === 'jumprelu') p.log_threshold = t('log_threshold');
  return p;
}
