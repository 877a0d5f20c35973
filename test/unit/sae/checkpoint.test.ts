import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_FORMAT, decodeCheckpoint, encodeCheckpoint } from '../../../src/sae/checkpoint';
import { parseFixture } from '../../../src/sae/fixture';
import { readSafetensors, writeSafetensors } from '../../../src/sae/formats/safetensors';
import { ReferenceTrainer } from '../../../src/sae/reference';

function fixture(arch: string) {
  const fx = parseFixture(JSON.parse(readFileSync(new URL(`../../fixtures/sae/${arch}.json`, import.meta.url), 'utf8')));
  const init = Object.fromEntries(Object.entries(fx.init).map(([k, v]) => [k, v.data]));
  return { fx, init };
}

describe('trainer checkpoints', () => {
  it.each(['relu', 'topk', 'batchtopk', 'jumprelu'])('%s: TrainerState survives encode → decode exactly, and training resumes bit-for-bit', (arch) => {
    const { fx, init } = fixture(arch);
    const opts = { stateStorage: 'float32' } as const;
    const whole = new ReferenceTrainer(fx.config, init, opts);
    for (const b of fx.batches) whole.step(b.data, b.shape[0]!);

    const first = new ReferenceTrainer(fx.config, init, opts);
    for (const b of fx.batches.slice(0, 3)) first.step(b.data, b.shape[0]!);
    first.rngState = [123, 4_000_000_000, 5, 6];
    first.inputScale = 0.123456789;
    const state = first.getState();
    const bytes = encodeCheckpoint(state);
    expect(readSafetensors(bytes).metadata.format).toBe(CHECKPOINT_FORMAT);
    const decoded = decodeCheckpoint(bytes);
    expect(decoded).toEqual(state);
    if (arch === 'batchtopk') expect(decoded.thresholdBatch).toBe(first.batchThreshold);

    const resumed = ReferenceTrainer.fromState(decoded, opts);
    for (const b of fx.batches.slice(3)) resumed.step(b.data, b.shape[0]!);
    expect(resumed.getExactState().params).toEqual(whole.getExactState().params);
    expect(resumed.batchThreshold).toBe(whole.batchThreshold);
  });

  it('rejects files that are not checkpoints, or are incomplete', () => {
    const { fx, init } = fixture('topk');
    const good = encodeCheckpoint(new ReferenceTrainer(fx.config, init).getState());
    const file = readSafetensors(good);
    const plain = writeSafetensors({ W: { shape: [1], data: Float32Array.of(1) } });
    expect(() => decodeCheckpoint(plain)).toThrow(/Not a miStudio trainer checkpoint/);

    const rebuild = (drop: string, meta = file.metadata, reshape?: [string, number[]]) => {
      const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
      for (const [name, t] of file.tensors) {
        if (name === drop) continue;
        const data = new Float32Array(t.bytes.slice().buffer);
        tensors[name] = { shape: reshape && reshape[0] === name ? reshape[1] : t.shape, data };
      }
      return writeSafetensors(tensors, meta);
    };
    expect(() => decodeCheckpoint(rebuild('adam_v.W_dec'))).toThrow(/lacks tensor adam_v.W_dec/);
    expect(() => decodeCheckpoint(rebuild('', file.metadata, ['param.W_enc', [64, 16]]))).toThrow(/param.W_enc has shape \[64, 16\], expected \[16, 64\]/);
    expect(() => decodeCheckpoint(rebuild('', { ...file.metadata, step: '-1' }))).toThrow(/invalid step/);
    expect(() => decodeCheckpoint(rebuild('', { ...file.metadata, config: '{"architecture":"gated"}' }))).toThrow(/config is invalid: Invalid SAE config/);
  });
});
