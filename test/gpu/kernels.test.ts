// Each SAE kernel family against its CPU twin at odd sizes (not multiples of any tile or workgroup size),
// with ties, short rows, empty lists, and grids split over two dimensions.
import { describe, expect, it } from 'vitest';
import { readF32, readU32 } from '../../src/gpu/buffers';
import { grid1D } from '../../src/gpu/dispatch';
import { validateSaeConfig, type SaeConfig } from '../../src/sae/config';
import { adamDispatch, adamRowsRenormDispatch } from '../../src/sae/gpu/adam';
import { latentBackwardDispatch } from '../../src/sae/gpu/backward';
import { cscChunks, cscDispatches, scanDispatch } from '../../src/sae/gpu/counting-sort';
import { saeDimsBlock, scalarsBlock, stepInfoBlock } from '../../src/sae/gpu/layout';
import { makeDispatch } from '../../src/sae/gpu/op';
import { clipDispatches, columnMomentsLength, columnVarianceDispatches } from '../../src/sae/gpu/reduce';
import { auxDecodeDispatch, inputMinusBiasDispatch, sparseDecodeDispatch } from '../../src/sae/gpu/rows';
import { batchTopkDispatches, topkRowsDispatch } from '../../src/sae/gpu/select';
import { denseFromLists } from '../../src/sae/gpu/transfer';
import { adamStep, batchTopkActivation, renormalizeDecoder, topIndices, topkActivation } from '../../src/sae/reference';
import { Prng } from '../../src/sae/prng';
import { expectClose, randomF32, run, useGpu } from './gpu-test-kit';

const gpu = useGpu();

function config(over: Partial<SaeConfig>): SaeConfig {
  return validateSaeConfig({ architecture: 'topk', d_in: 4, d_sae: 8, k: 1, total_steps: 10, ...over });
}

function u32(n: number, f: (i: number) => number): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => f(i));
}

/** Kept bits per row as a dense 0/1 matrix. */
function maskToDense(mask: Uint32Array, rows: number, cols: number): number[] {
  const words = Math.ceil(cols / 32);
  const out: number[] = [];
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out.push((mask[r * words + (j >>> 5)]! >>> (j & 31)) & 1);
  return out;
}

/** Pre-activations with awkward rows: ties across the k-th place, few positives, none, duplicated maxima. */
function awkwardPre(B: number, dSae: number, seed: number): Float32Array {
  const pre = randomF32(B * dSae, seed, -1, 1);
  for (let j = 0; j < dSae; j += 3) pre[j] = 0.5; // row 0: many ties
  for (let j = 0; j < dSae; j++) pre[dSae + j] = j % 100 === 7 ? 0.25 : -Math.abs(pre[dSae + j]!); // row 1: 3–4 positives
  for (let j = 0; j < dSae; j++) pre[2 * dSae + j] = -Math.abs(pre[2 * dSae + j]!); // row 2: none
  for (let j = 0; j < dSae; j += 50) pre[3 * dSae + j] = 2; // row 3: duplicated maxima
  return pre;
}

describe('sae_topk.wgsl', () => {
  it('topk_rows keeps the k largest per row (ties to the lower index), lists in latent order', async () => {
    const { device, scope } = gpu;
    const [B, dSae, k] = [5, 333, 7];
    const cfg = config({ d_sae: dSae, k });
    const pre = awkwardPre(B, dSae, 1);
    const words = Math.ceil(dSae / 32);
    const b = {
      dims: scope.uniform('dims', saeDimsBlock(cfg)),
      scalars: scope.upload('scalars', new Uint32Array(scalarsBlock({ nDead: 0, threshold: null }))),
      pre: scope.upload('pre', pre),
      ssf: scope.storage('ssf', dSae * 4),
      ent: scope.storage('ent', 2 * B * k * 4),
      row_ptr: scope.storage('row_ptr', 2 * B * 4),
      mask: scope.storage('mask', B * words * 4),
    };
    await run(device, [topkRowsDispatch(scope, 'topk', B, k, false, b)]);
    const ptr = await readU32(device, b.row_ptr, 2 * B);
    const ent = await readU32(device, b.ent, 2 * B * k);
    const want = Float32Array.from(topkActivation(Float64Array.from(pre), B, dSae, k));
    expect(denseFromLists(ptr, ent, B, dSae)).toEqual(want);
    expect(maskToDense(await readU32(device, b.mask, B * words), B, dSae)).toEqual([...want].map((v) => (v > 0 ? 1 : 0)));
    for (let r = 0; r < B; r++) {
      expect(ptr[2 * r]).toBe(r * k);
      const lats = [...ent.subarray(2 * ptr[2 * r]!, 2 * (ptr[2 * r]! + ptr[2 * r + 1]!))].filter((_, i) => i % 2 === 0);
      expect(lats).toEqual([...lats].sort((a, c) => a - c));
    }
  });

  it('topk_rows in AuxK mode picks among dead latents only, min(k_aux, n_dead) per row', async () => {
    const { device, scope } = gpu;
    const [B, dSae, kAux] = [6, 129, 9];
    const cfg = config({ d_sae: dSae, k: 2, k_aux: kAux, dead_steps_threshold: 3 });
    const pre = awkwardPre(B, dSae, 2);
    const rng = new Prng(3);
    for (const nDeadWanted of [0, 5, 60]) {
      const ssf = u32(dSae, (j) => (j < nDeadWanted ? 3 + (rng.nextUint32() % 4) : rng.nextUint32() % 3));
      const dead = [...ssf.keys()].filter((j) => ssf[j]! >= 3);
      const b = {
        dims: scope.uniform('dims', saeDimsBlock(cfg)),
        scalars: scope.upload('scalars', new Uint32Array(scalarsBlock({ nDead: dead.length, threshold: null }))),
        pre: scope.upload('pre', pre),
        ssf: scope.upload('ssf', ssf),
        ent: scope.storage('ent', 2 * B * kAux * 4),
        row_ptr: scope.storage('row_ptr', 2 * B * 4),
        // stale bits from an earlier step must be cleared
        mask: scope.upload('mask', new Uint32Array(B * Math.ceil(dSae / 32)).fill(0xffffffff)),
      };
      await run(device, [topkRowsDispatch(scope, 'aux', B, kAux, true, b)]);
      const got = denseFromLists(await readU32(device, b.row_ptr, 2 * B), await readU32(device, b.ent, 2 * B * kAux), B, dSae);
      const want = new Float32Array(B * dSae);
      for (let r = 0; r < B; r++) {
        const row = pre.subarray(r * dSae, (r + 1) * dSae);
        for (const j of topIndices(row, Math.min(kAux, dead.length), dead)) want[r * dSae + j] = Math.max(row[j]!, 0);
      }
      expect(got, `n_dead = ${dead.length}`).toEqual(want);
      const words = Math.ceil(dSae / 32);
      expect(maskToDense(await readU32(device, b.mask, B * words), B, dSae)).toEqual([...want].map((v) => (v > 0 ? 1 : 0)));
    }
  });

  it('BatchTopK keeps the k·B largest over the batch (ties to the lower flat index)', async () => {
    const { device, scope } = gpu;
    const [B, dSae, k] = [7, 101, 3];
    const cfg = config({ architecture: 'batchtopk', d_sae: dSae, k });
    for (const variant of ['ties', 'few positives']) {
      const pre = randomF32(B * dSae, 4, -1, 1);
      if (variant === 'ties') {
        // make the 21st and 22nd largest equal, plus more copies of that value in later rows
        const order = [...pre.keys()].sort((a, c) => pre[c]! - pre[a]!);
        const t = pre[order[k * B - 1]!]!;
        for (const i of [order[k * B]!, order[k * B + 5]!, 5 * dSae + 3, 6 * dSae + 100]) pre[i] = t;
      } else {
        for (let i = 0; i < pre.length; i++) pre[i] = i % 37 === 0 ? Math.abs(pre[i]!) + 0.01 : -Math.abs(pre[i]!);
      }
      const b = {
        dims: scope.uniform('dims', saeDimsBlock(cfg)),
        scalars: scope.upload('scalars', new Uint32Array(scalarsBlock({ nDead: 0, threshold: null }))),
        pre: scope.upload('pre', pre),
        ssf: scope.storage('ssf', dSae * 4),
        ent: scope.storage('ent', 2 * B * k * 4),
        row_ptr: scope.storage('row_ptr', 2 * B * 4),
        mask: scope.storage('mask', B * Math.ceil(dSae / 32) * 4),
      };
      const s = { sel_state: scope.storage('sel', 16), hist: scope.storage('hist', 1024), row_tmp: scope.storage('row_tmp', 8 * B) };
      await run(device, batchTopkDispatches(scope, 'btk', B, dSae, b, s));
      const ptr = await readU32(device, b.row_ptr, 2 * B);
      const got = denseFromLists(ptr, await readU32(device, b.ent, 2 * B * k), B, dSae);
      expect(got, variant).toEqual(Float32Array.from(batchTopkActivation(Float64Array.from(pre), B, k)));
      for (let r = 1; r < B; r++) expect(ptr[2 * r]).toBe(ptr[2 * r - 2]! + ptr[2 * r - 1]!);
    }
  });
});

describe('counting_sort.wgsl', () => {
  it('scan_exclusive over an odd length', async () => {
    const { device, scope } = gpu;
    const n = 1001;
    const counts = u32(n, (i) => (i * 7919) % 6);
    const offsets = scope.storage('offsets', (n + 1) * 4);
    await run(device, [scanDispatch(scope, 'scan', n, scope.upload('counts', counts), offsets, scope.uniform('dims', saeDimsBlock(config({}))))]);
    const want: number[] = [0];
    for (const c of counts) want.push(want[want.length - 1]! + c);
    expect([...(await readU32(device, offsets, n + 1))]).toEqual(want);
  });

  it('per-latent lists sorted by row with main/aux flags; steps_since_fired updated', async () => {
    const { device, scope } = gpu;
    const [rows, cols] = [601, 300];
    const words = Math.ceil(cols / 32);
    const rng = new Prng(5);
    const main = new Uint32Array(rows * words);
    const aux = new Uint32Array(rows * words);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) {
        const u = rng.uniform();
        if (u < 0.05 || j === 7) main[r * words + (j >>> 5)]! |= 1 << (j & 31);
        if ((u > 0.03 && u < 0.08) || j === 8) aux[r * words + (j >>> 5)]! |= 1 << (j & 31);
      }
    }
    const pre = randomF32(rows * cols, 6, 0.1, 1);
    const ssf = u32(cols, (j) => j % 5);
    const b = {
      dims: scope.uniform('dims', saeDimsBlock(config({ d_sae: cols }))),
      mask_main: scope.upload('main', main),
      mask_aux: scope.upload('aux', aux),
      pre: scope.upload('pre', pre),
      ssf: scope.upload('ssf', ssf),
      chunk_count: scope.storage('chunk count', cols * cscChunks(rows) * 4),
      lat_count: scope.storage('count', cols * 4),
      lat_offset: scope.storage('offset', (cols + 1) * 4),
      csc: scope.storage('csc', 2 * rows * cols * 4),
    };
    await run(device, cscDispatches(scope, 'csc', rows, cols, b));
    const offset = await readU32(device, b.lat_offset, cols + 1);
    const csc = await readU32(device, b.csc, 2 * offset[cols]!);
    const gotSsf = await readU32(device, b.ssf, cols);
    const bit = (m: Uint32Array, r: number, j: number) => (m[r * words + (j >>> 5)]! >>> (j & 31)) & 1;
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    for (let j = 0; j < cols; j++) {
      const want: number[] = [];
      let fired = false;
      for (let r = 0; r < rows; r++) {
        const m = bit(main, r, j);
        const a = bit(aux, r, j);
        fired ||= m === 1;
        if (m || a) {
          bits[0] = 0;
          f[0] = pre[r * cols + j]!;
          want.push((r | (m << 31) | (a << 30)) >>> 0, bits[0]);
        }
      }
      expect([...csc.subarray(2 * offset[j]!, 2 * offset[j + 1]!)], `latent ${j}`).toEqual(want);
      expect(gotSsf[j], `ssf ${j}`).toBe(fired ? 0 : ssf[j]! + 1);
    }
  });
});

describe('sae_decode.wgsl', () => {
  it('sparse decode and AuxK decode from lists', async () => {
    const { device, scope } = gpu;
    const [B, dIn, dSae, cap, capAux] = [9, 301, 70, 5, 4];
    const cfg = config({ d_in: dIn, d_sae: dSae, k: cap, k_aux: capAux, aux_coefficient: 0.3 });
    const nDead = 3;
    const rng = new Prng(7);
    const lists = (c: number) => {
      const ptr = new Uint32Array(2 * B);
      const ent = new Uint32Array(2 * B * c);
      const f = new Float32Array(ent.buffer);
      for (let r = 0; r < B; r++) {
        const n = r % (c + 1);
        ptr[2 * r] = r * c;
        ptr[2 * r + 1] = n;
        const lats = [...new Set(Array.from({ length: n }, () => rng.nextUint32() % dSae))].sort((a, b) => a - b);
        ptr[2 * r + 1] = lats.length;
        lats.forEach((j, i) => {
          ent[2 * (r * c + i)] = j;
          f[2 * (r * c + i) + 1] = 0.1 + rng.uniform();
        });
      }
      return { ptr, ent };
    };
    const main = lists(cap);
    const aux = lists(capAux);
    const x = randomF32(B * dIn, 8);
    const wDec = randomF32(dSae * dIn, 9);
    const bDec = randomF32(dIn, 10);
    const dims = scope.uniform('dims', saeDimsBlock(cfg));
    const xb = scope.upload('x', x);
    const wb = scope.upload('w', wDec);
    const xHat = scope.storage('x_hat', B * dIn * 4);
    const gx = scope.storage('gx', 2 * B * dIn * 4);
    const rowStats = scope.storage('row stats', B * 8 * 4);
    const scalars = scope.upload('scalars', new Uint32Array(scalarsBlock({ nDead, threshold: null })));
    await run(device, [
      sparseDecodeDispatch(scope, B, { dims, x: xb, b_dec: scope.upload('b', bDec), w_dec: wb, row_ptr: scope.upload('p', main.ptr), ent: scope.upload('e', main.ent), x_hat: xHat, gx, row_stats: rowStats }),
      auxDecodeDispatch(scope, B, { dims, x: xb, x_hat: xHat, w_dec: wb, row_ptr: scope.upload('pa', aux.ptr), ent: scope.upload('ea', aux.ent), scalars, gx, row_stats: rowStats }),
    ]);
    const zMain = denseFromLists(main.ptr, main.ent, B, dSae);
    const zAux = denseFromLists(aux.ptr, aux.ent, B, dSae);
    const decode = (z: Float32Array, bias: boolean) => {
      const out = new Float64Array(B * dIn);
      for (let r = 0; r < B; r++) for (let d = 0; d < dIn; d++) {
        let s = 0;
        for (let j = 0; j < dSae; j++) s += z[r * dSae + j]! * wDec[j * dIn + d]!;
        out[r * dIn + d] = s + (bias ? bDec[d]! : 0);
      }
      return out;
    };
    const wantXHat = decode(zMain, true);
    const eHat = decode(zAux, false);
    const scale = 0.3 * Math.min(nDead / capAux, 1);
    const gotXHat = await readF32(device, xHat, B * dIn);
    expectClose(gotXHat, wantXHat, 1e-5, 'x_hat');
    const g = await readF32(device, gx, 2 * B * dIn);
    expectClose(g.subarray(0, B * dIn), wantXHat.map((v, i) => (2 * (v - x[i]!)) / B), 1e-6, 'dL/dx_hat');
    expectClose(g.subarray(B * dIn), eHat.map((v, i) => (2 * scale * (v - (x[i]! - gotXHat[i]!))) / B), 1e-6, 'dAux/de_hat');
    const stats = await readF32(device, rowStats, B * 8);
    for (let r = 0; r < B; r++) {
      let sq = 0;
      for (let d = 0; d < dIn; d++) sq += (wantXHat[r * dIn + d]! - x[r * dIn + d]!) ** 2;
      expect(Math.abs(stats[r * 8]! - sq)).toBeLessThanOrEqual(1e-4 * sq + 1e-6);
      expect(stats[r * 8 + 1]).toBe(main.ptr[2 * r + 1]);
    }
  });

  it('a 1-D kernel over more than 65 535 workgroups (2-D grid)', async () => {
    const { device, scope } = gpu;
    const [rows, dIn] = [65_535 * 256 + 7, 1];
    const cfg = config({ d_in: dIn });
    const x = new Float32Array(rows);
    for (let i = 0; i < rows; i++) x[i] = i % 1021;
    const xIn = scope.storage('x_in', rows * 4);
    const d = inputMinusBiasDispatch(scope, rows, dIn, { dims: scope.uniform('dims', saeDimsBlock(cfg)), x: scope.upload('x', x), b_dec: scope.upload('b', Float32Array.of(0.5)), x_in: xIn });
    expect(d.grid[1]).toBeGreaterThan(1);
    await run(device, [d]);
    const got = await readF32(device, xIn, rows);
    let bad = -1;
    for (let i = 0; i < rows && bad < 0; i++) if (got[i] !== (i % 1021) - 0.5) bad = i;
    expect(bad, 'first wrong element').toBe(-1);
  });
});

describe('sae_backward.wgsl', () => {
  it('latent_backward: per-latent gradients over CSC lists, with the decoder projection', async () => {
    const { device, scope } = gpu;
    const [B, dIn, dSae] = [300, 301, 6];
    const cfg = config({ d_in: dIn, d_sae: dSae, normalize_decoder: true });
    const rng = new Prng(11);
    // latent 0 in every row (a list longer than a workgroup), latent 3 in none
    const lists: { row: number; main: boolean; aux: boolean; z: number }[][] = [];
    for (let j = 0; j < dSae; j++) {
      const l: { row: number; main: boolean; aux: boolean; z: number }[] = [];
      for (let r = 0; r < B; r++) {
        const u = rng.uniform();
        const main = j === 0 || (j !== 3 && u < 0.1);
        const aux = j !== 3 && u > 0.95;
        if (main || aux) l.push({ row: r, main, aux, z: Math.fround(0.1 + rng.uniform()) });
      }
      lists.push(l);
    }
    const offsets = new Uint32Array(dSae + 1);
    lists.forEach((l, j) => (offsets[j + 1] = offsets[j]! + l.length));
    const csc = new Uint32Array(2 * offsets[dSae]!);
    const cscF = new Float32Array(csc.buffer);
    lists.flat().forEach((e, i) => {
      csc[2 * i] = (e.row | (e.main ? 0x80000000 : 0) | (e.aux ? 0x40000000 : 0)) >>> 0;
      cscF[2 * i + 1] = e.z;
    });
    const gx = randomF32(2 * B * dIn, 12);
    const xIn = randomF32(B * dIn, 13);
    const wDec = new Float32Array(dSae * dIn);
    const rows = randomF32(dSae * dIn, 14);
    const norm = Float64Array.from(rows);
    renormalizeDecoder(norm, dSae, dIn);
    wDec.set(norm);
    const out = { g_wdec: scope.storage('gw', dSae * dIn * 4), g_wenc: scope.storage('ge', dSae * dIn * 4), g_benc: scope.storage('gb', dSae * 4) };
    await run(device, [
      latentBackwardDispatch(scope, dIn, dSae, {
        dims: scope.uniform('dims', saeDimsBlock(cfg)),
        step_info: scope.uniform('step', stepInfoBlock(cfg, 0, 0, B)),
        lat_offset: scope.upload('off', offsets),
        csc: scope.upload('csc', csc),
        gx: scope.upload('gx', gx),
        x_in: scope.upload('x_in', xIn),
        w_dec: scope.upload('w', wDec),
        ...out,
      }),
    ]);
    const wantWdec = new Float64Array(dSae * dIn);
    const wantWenc = new Float64Array(dSae * dIn);
    const wantBenc = new Float64Array(dSae);
    lists.forEach((l, j) => {
      for (const e of l) {
        let dp = 0;
        for (let d = 0; d < dIn; d++) {
          const g = (e.main ? gx[e.row * dIn + d]! : 0) + (e.aux ? gx[(B + e.row) * dIn + d]! : 0);
          dp += g * wDec[j * dIn + d]!;
          wantWdec[j * dIn + d] += e.z * g;
        }
        wantBenc[j] += dp;
        for (let d = 0; d < dIn; d++) wantWenc[j * dIn + d] += dp * xIn[e.row * dIn + d]!;
      }
      let dot = 0;
      for (let d = 0; d < dIn; d++) dot += wantWdec[j * dIn + d]! * wDec[j * dIn + d]!;
      for (let d = 0; d < dIn; d++) wantWdec[j * dIn + d] -= dot * wDec[j * dIn + d]!;
    });
    expectClose(await readF32(device, out.g_wdec, dSae * dIn), wantWdec, 1e-4, 'dW_dec');
    expectClose(await readF32(device, out.g_wenc, dSae * dIn), wantWenc, 1e-4, 'dW_enc');
    expectClose(await readF32(device, out.g_benc, dSae), wantBenc, 1e-4, 'db_enc');
  });
});

describe('sae_adam.wgsl and sae_reduce.wgsl', () => {
  it('Adam (clip-scaled gradient), Adam + row renormalisation, and nothing once diverged', async () => {
    const { device, scope } = gpu;
    const [rows, cols] = [37, 67];
    const n = rows * cols;
    const cfg = config({ adam_beta1: 0.8, adam_beta2: 0.99, adam_eps: 1e-6, lr: 0.01 });
    const step = 3;
    const p = randomF32(n, 15);
    const m = randomF32(n, 16, -0.1, 0.1);
    const v = randomF32(n, 17, 0, 0.1);
    const g = randomF32(n, 18);
    const scalars = new Uint32Array(scalarsBlock({ nDead: 0, threshold: null }));
    new Float32Array(scalars.buffer)[5] = 0.5; // clip_scale
    for (const [mode, diverged] of [['adam', false], ['rows', false], ['adam', true]] as const) {
      scalars[1] = diverged ? 1 : 0;
      const b = {
        dims: scope.uniform('dims', saeDimsBlock(cfg)),
        step_info: scope.uniform('step', stepInfoBlock(cfg, step, 0, 1)),
        scalars: scope.upload('scalars', scalars),
        param: scope.upload('p', p),
        moment1: scope.upload('m', m),
        moment2: scope.upload('v', v),
        grad: scope.upload('g', g),
      };
      await run(device, [mode === 'adam' ? adamDispatch(scope, 'adam', n, b) : adamRowsRenormDispatch(scope, 'adam rows', rows, cols, b)]);
      const wantP = Float64Array.from(p);
      const wantM = Float64Array.from(m);
      const wantV = Float64Array.from(v);
      if (!diverged) {
        adamStep(wantP, Float64Array.from(g, (x) => 0.5 * x), wantM, wantV, { lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, t: step + 1 });
        if (mode === 'rows') renormalizeDecoder(wantP, rows, cols);
      }
      expectClose(await readF32(device, b.param, n), wantP, 1e-5, `${mode} p`);
      expectClose(await readF32(device, b.moment1, n), wantM, 1e-6, `${mode} m`);
      expectClose(await readF32(device, b.moment2, n), wantV, 1e-6, `${mode} v`);
    }
  });

  it('global gradient norm and clip scale', async () => {
    const { device, scope } = gpu;
    const cfg = config({ grad_clip_norm: 3 });
    const tensors = [randomF32(5000, 19), randomF32(3, 20), randomF32(2049, 21)];
    const scalars = scope.upload('scalars', new Uint32Array(scalarsBlock({ nDead: 0, threshold: null })));
    await run(
      device,
      clipDispatches(scope, tensors.map((t, i) => ({ buffer: scope.upload(`g${i}`, t), length: t.length })), {
        dims: scope.uniform('dims', saeDimsBlock(cfg)),
        step_info: scope.uniform('step', stepInfoBlock(cfg, 0, 0, 1)),
        scalars,
        partials: scope.storage('partials', 64),
      }),
    );
    const norm = Math.sqrt(tensors.reduce((s, t) => s + t.reduce((a, x) => a + x * x, 0), 0));
    const got = await readF32(device, scalars, 8);
    expect(Math.abs(got[6]! - norm)).toBeLessThanOrEqual(1e-5 * norm);
    expect(Math.abs(got[5]! - 3 / norm)).toBeLessThanOrEqual(1e-6);
  });

  it('column variances over several row splits, without cancellation on a large mean', async () => {
    const { device, scope } = gpu;
    const [rows, dIn] = [601, 70];
    const x = randomF32(rows * dIn, 23, -1, 1).map((v, i) => v + 100 + (i % dIn));
    const colvar = scope.storage('colvar', dIn * 4);
    await run(
      device,
      columnVarianceDispatches(scope, rows, dIn, {
        dims: scope.uniform('dims', saeDimsBlock(config({ d_in: dIn }))),
        x: scope.upload('x', x),
        moments: scope.storage('moments', columnMomentsLength(rows, dIn) * 4),
        colvar,
      }),
    );
    const want = Array.from({ length: dIn }, (_, d) => {
      let mean = 0;
      for (let r = 0; r < rows; r++) mean += x[r * dIn + d]! / rows;
      let v = 0;
      for (let r = 0; r < rows; r++) v += (x[r * dIn + d]! - mean) ** 2;
      return v;
    });
    const got = await readF32(device, colvar, dIn);
    got.forEach((g, d) => expect(Math.abs(g - want[d]!), `column ${d}`).toBeLessThanOrEqual(1e-4 * want[d]!));
  });

  it('row kernels address rows correctly on a 2-D grid with overhang', async () => {
    const { device, scope } = gpu;
    const [rows, cols] = [301, 5];
    const w = randomF32(rows * cols, 22);
    const norms = scope.storage('norms', rows * 4);
    const [x, y] = grid1D(rows, 20);
    expect(x * y).toBeGreaterThan(rows);
    const params = scope.uniform('params', new Uint32Array([0, rows, cols, 0]).buffer);
    await run(device, [makeDispatch(scope, 'norms', { shader: 'sae_adam.wgsl', entry: 'decoder_norms', defines: { WG: 64 } }, { params, rows_in: scope.upload('w', w), norms }, [x, y, 1])]);
    const want = Array.from({ length: rows }, (_, r) => Math.hypot(...w.subarray(r * cols, (r + 1) * cols)));
    expectClose(await readF32(device, norms, rows), want, 1e-6, 'norms');
  });
});
