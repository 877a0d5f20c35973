// The headless entries, run as a user runs them (`npm run -s ...`), on Node + Dawn.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flat, parseFixture } from '../../src/sae/fixture';
import { writeNpy } from '../../src/sae/formats/npy';
import { readSaeLensFolder } from '../../src/sae/formats/saelens';

const run = (script: string, args: string[]) =>
  spawnSync('npm', ['run', '-s', script, '--', ...args], { encoding: 'utf8', timeout: 240_000 });

describe('sae:replay', () => {
  it('replays a golden fixture and prints metrics, step-0 internals and final parameters', () => {
    const path = 'test/fixtures/sae/batchtopk.json';
    const res = run('sae:replay', [path]);
    expect(res.status, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim().split('\n').at(-1)!);
    const fx = parseFixture(JSON.parse(readFileSync(path, 'utf8')));
    const exp = fx.expected!;
    expect(out.metrics).toHaveLength(exp.metrics.length);
    for (let s = 0; s < exp.metrics.length; s++) {
      const want = exp.metrics[s]!.loss!;
      expect(Math.abs(out.metrics[s].loss - want) / Math.max(1e-12, Math.abs(want))).toBeLessThan(1e-5);
    }
    const hp = flat(exp.step0.hidden_pre);
    expect(out.step0.hidden_pre).toHaveLength(hp.length);
    hp.forEach((v, i) => expect(Math.abs(out.step0.hidden_pre[i] - v)).toBeLessThan(1e-4));
    const W = exp.final.W_dec!;
    expect(out.final.W_dec.shape).toEqual(W.shape);
    W.data.forEach((v, i) => expect(Math.abs(out.final.W_dec.data[i] - v)).toBeLessThan(1e-4));
    expect(Math.abs(out.final_threshold - exp.final_threshold!)).toBeLessThan(1e-4);
  });
});

describe('sae:train', () => {
  it('trains on an .npy matrix and writes a SAELens folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sae-train-'));
    const dIn = 5;
    const rows = 37;
    const x = Float32Array.from({ length: rows * dIn }, (_, i) => Math.sin(i * 1.7) + (i % 3));
    writeFileSync(join(dir, 'x.npy'), writeNpy(x, [rows, dIn]));
    writeFileSync(
      join(dir, 'c.json'),
      JSON.stringify({ architecture: 'jumprelu', d_sae: 7, total_steps: 4, batch_size: 9, seed: 1, input_scaling: true, hook_name: 'blocks.0.hook_resid_post', initial_threshold: 0.01 }),
    );
    const res = run('sae:train', ['--activations', join(dir, 'x.npy'), '--config', join(dir, 'c.json'), '--out', join(dir, 'out')]);
    expect(res.status, res.stderr).toBe(0);
    const final = JSON.parse(res.stdout.trim().split('\n').at(-1)!);
    expect(Number.isFinite(final.loss)).toBe(true);
    expect(final.steps).toBe(4);
    const sae = readSaeLensFolder(readFileSync(join(dir, 'out', 'cfg.json'), 'utf8'), new Uint8Array(readFileSync(join(dir, 'out', 'sae_weights.safetensors'))));
    expect(sae.d_in).toBe(dIn);
    expect(sae.d_sae).toBe(7);
    expect(sae.architecture).toBe('jumprelu');
    expect(sae.metadata.hook_name).toBe('blocks.0.hook_resid_post');
  });

  it('rejects a bad config with a clear message and exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sae-train-bad-'));
    writeFileSync(join(dir, 'x.npy'), writeNpy(new Float32Array(6), [2, 3]));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ architecture: 'topk', d_sae: 4, k: 9, total_steps: 2 }));
    const res = run('sae:train', ['--activations', join(dir, 'x.npy'), '--config', join(dir, 'c.json'), '--out', join(dir, 'out')]);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/k must be an integer in \[1, d_sae=4\]/);
    const missing = run('sae:train', ['--activations', join(dir, 'nope.npy'), '--config', join(dir, 'c.json'), '--out', join(dir, 'out')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read activations file/);
  });
});
