// The committed tiny SAE fixture is what scripts/build-sae-fixture.ts builds (tensors to float rounding, as
// the builder runs the float64 reference forward).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSaeFixtureFiles, HUB_SAE_FIXTURE_DIR, SAE_FIXTURE_DIR, SAE_FIXTURE_HOOK } from '../../../scripts/lib/sae-fixture';
import { readSafetensors, tensorToFloat32 } from '../../../src/sae/formats/safetensors';
import { maxAbsDiff } from './helpers';

const root = resolve(import.meta.dirname, '../../..');

describe('tiny SAE fixture', () => {
  it('matches a fresh build', () => {
    const built = buildSaeFixtureFiles();
    const committed = (name: string) => new Uint8Array(readFileSync(resolve(root, SAE_FIXTURE_DIR, name)));
    const cfg = built.get(`${SAE_FIXTURE_DIR}/cfg.json`);
    expect(new TextDecoder().decode(cfg)).toBe(new TextDecoder().decode(committed('cfg.json')));
    const fresh = readSafetensors(built.get(`${SAE_FIXTURE_DIR}/sae_weights.safetensors`) ?? new Uint8Array());
    const stored = readSafetensors(committed('sae_weights.safetensors'));
    expect([...fresh.tensors.keys()].sort()).toEqual([...stored.tensors.keys()].sort());
    for (const [name, tensor] of fresh.tensors) {
      const other = stored.tensors.get(name);
      if (!other) throw new Error(`missing ${name}`);
      expect(other.shape).toEqual(tensor.shape);
      expect(maxAbsDiff(tensorToFloat32(tensor, name), tensorToFloat32(other, name))).toBeLessThan(1e-5);
    }
  });

  it('is served from the local Hub tree too, byte for byte', () => {
    for (const name of ['cfg.json', 'sae_weights.safetensors']) {
      const local = readFileSync(resolve(root, SAE_FIXTURE_DIR, name));
      const hub = readFileSync(resolve(root, HUB_SAE_FIXTURE_DIR, SAE_FIXTURE_HOOK.name, name));
      expect(hub.equals(local)).toBe(true);
    }
  });
});
