import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Architecture, SaeParams } from '../../../src/sae/config';
import { saeLensFiles, toSaeLens, type SaeLensExport } from '../../../src/sae/formats/saelens';
import { writeSafetensors, type Float32Tensor } from '../../../src/sae/formats/safetensors';
import { inferenceForward, toReferenceParams } from '../../../src/sae/reference';
import { checkCompatibility, equivalentHook } from '../../../src/interop/sae-compatibility';
import { saeLensFolderName, saeLensZip, saeLensZipStream, saeLensExportSource } from '../../../src/interop/saelens-export-zip';
import { importSaeLensFiles, importSaeLensFromHub, importSaeLensZip, locateSaeLensFolder, type ImportFile } from '../../../src/interop/saelens-import';
import { collectBytes } from '../../../src/interop/zip-writer';
import { expectInteropError, META, randomNormals, sameFloats, trained } from './helpers';

const enc = new TextEncoder();

function exported(arch: Architecture, inputScale = 1): { exp: SaeLensExport; params: SaeParams; theta: number | null } {
  const { config, params } = trained(arch, 3);
  const theta = arch === 'batchtopk' ? 0.3 : null;
  return { exp: toSaeLens(params, config, META, { inputScale, thresholdBatch: theta }), params, theta };
}

function folderFiles(exp: SaeLensExport, prefix = 'my-sae/', density?: Float32Array): ImportFile[] {
  return Object.entries(saeLensFiles(exp, density)).map(([name, bytes]) => ({ path: prefix + name, data: new Blob([bytes.slice()]) }));
}

function craftSafetensors(tensors: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  const json = enc.encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) {
    out.set(t.bytes, at);
    at += t.bytes.length;
  }
  return out;
}

describe('SAELens zip export → import round trip', () => {
  it.each<Architecture>(['relu', 'topk', 'batchtopk', 'jumprelu'])('%s: identical tensors and cfg, identical outputs on random x', async (arch) => {
    const s = 2.5;
    const { exp, params, theta } = exported(arch, s);
    const density = Float32Array.from({ length: 8 }, (_, j) => -1 - j / 4);
    const zip = await saeLensZip(exp, { name: 'GPT-2 small / L8 resid', log10Density: density, mtime: new Date(2025, 0, 2) });
    const imported = await importSaeLensZip(new Blob([zip.slice()]));

    expect(imported.folder).toBe('GPT-2_small_L8_resid');
    expect(imported.cfg).toEqual(exp.cfgJson);
    expect(imported.warnings).toEqual([]);
    expect(imported.dIn).toBe(5);
    expect(imported.dSae).toBe(8);
    expect(imported.hookName).toBe(META.hook_name);
    expect(imported.modelName).toBe(META.model_name);
    expect(sameFloats(imported.log10Density!, density)).toBe(true);
    for (const name of ['W_enc', 'W_dec', 'b_enc', 'b_dec'] as const) expect(sameFloats(imported.params[name], exp.tensors[name]!.data), name).toBe(true);
    if (exp.tensors.threshold) {
      expect(Float32Array.from(imported.params.log_threshold!, Math.exp)).toEqual(Float32Array.from(exp.tensors.threshold.data, (v) => Math.fround(Math.exp(Math.fround(Math.log(v))))));
    }

    // the imported SAE on raw x gives what the trained one gives on s·x, divided by s
    const B = 16;
    const raw = randomNormals(B * 5, 9);
    const dims = { B, dIn: 5, dSae: 8 };
    const { config } = trained(arch, 3);
    const trainedOut = inferenceForward(config, toReferenceParams(params, config), raw.map((v) => v * s), dims, theta);
    const cfg = { architecture: imported.architecture, apply_b_dec_to_input: imported.applyBDecToInput, k: imported.k };
    const importedOut = inferenceForward(cfg, toReferenceParams(imported.params, { ...cfg, d_in: 5, d_sae: 8 }), raw, dims, null);
    expect(trainedOut.featureActs.some((v) => v > 0)).toBe(true);
    for (let i = 0; i < importedOut.featureActs.length; i++) expect(importedOut.featureActs[i]! > 0).toBe(trainedOut.featureActs[i]! > 0);
    for (let i = 0; i < importedOut.xHat.length; i++) expect(importedOut.xHat[i]).toBeCloseTo(trainedOut.xHat[i]! / s, 5);
  });

  it('streams the zip in several chunks and names the folder safely', async () => {
    expect(saeLensFolderName('../My SAE: L8 (topk)')).toBe('My_SAE_L8_topk');
    expect(saeLensFolderName('***')).toBe('sae');
    const { exp } = exported('topk');
    const chunks: Uint8Array[] = [];
    for await (const c of saeLensZipStream(saeLensExportSource(exp), { name: 'x' })) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(3);
    const imported = await importSaeLensZip(await collectBytes((async function* () { yield* chunks; })()));
    expect(imported.k).toBe(2);
  });
});

describe('SAELens import from dropped files', () => {
  it('finds the SAE folder among other files and ignores macOS debris', async () => {
    const { exp } = exported('jumprelu');
    const files = [
      ...folderFiles(exp, 'release/blocks.8.hook_resid_pre/'),
      { path: 'release/README.md', data: new Blob(['hi']) },
      { path: '__MACOSX/release/blocks.8.hook_resid_pre/._cfg.json', data: new Blob(['junk']) },
    ];
    const imported = await importSaeLensFiles(files);
    expect(imported.folder).toBe('release/blocks.8.hook_resid_pre');
    expect(imported.architecture).toBe('jumprelu');
  });

  it('lists the candidates when there are several SAEs, and imports the one chosen', async () => {
    const files = [...folderFiles(exported('relu').exp, 'r/layer_1/'), ...folderFiles(exported('topk').exp, 'r/layer_2/')];
    const error = await expectInteropError(importSaeLensFiles(files), 'ambiguous', /2 SAEs were found/);
    expect(error.candidates).toEqual(['r/layer_1', 'r/layer_2']);
    expect((await importSaeLensFiles(files, { folder: 'r/layer_2/' })).architecture).toBe('topk');
    await expectInteropError(importSaeLensFiles(files, { folder: 'r/layer_3' }), 'missing-entry', /no SAE in the folder "r\/layer_3"/);
  });

  it('says what is missing when there is no SAE', async () => {
    await expectInteropError(importSaeLensFiles([{ path: 'a/cfg.json', data: new Blob(['{}']) }]), 'missing-entry', /cfg.json together with sae_weights.safetensors/);
  });

  it('accepts a differently named weights file next to cfg.json, and Windows paths', async () => {
    const files = saeLensFiles(exported('relu').exp);
    const imported = await importSaeLensFiles([
      { path: 'sae\\cfg.json', data: files['cfg.json']! },
      { path: 'sae\\model.safetensors', data: files['sae_weights.safetensors']! },
    ]);
    expect(imported.folder).toBe('sae');
    expect(imported.architecture).toBe('relu');
  });

  it('reads a bare JumpReLU weights file (threshold or log_threshold) without cfg.json', async () => {
    const { exp } = exported('jumprelu');
    const bare = writeSafetensors(exp.tensors);
    const imported = await importSaeLensFiles([{ path: 'params.safetensors', data: bare }], { applyBDecToInput: false });
    expect(imported.architecture).toBe('jumprelu');
    expect(imported.applyBDecToInput).toBe(false);
    expect(imported.hookName).toBeNull();
    expect(imported.warnings.join(' ')).toMatch(/No cfg.json: read as a JumpReLU SAE with d_in=5, d_sae=8/);

    const { threshold, ...rest } = exp.tensors;
    const logT: Float32Tensor = { shape: [8], data: Float32Array.from(threshold!.data, Math.log) };
    const viaLog = await importSaeLensFiles([{ path: 'x/sae.safetensors', data: writeSafetensors({ ...rest, log_threshold: logT }) }]);
    expect(sameFloats(viaLog.params.log_threshold!, logT.data)).toBe(true);

    const relu = writeSafetensors(exported('relu').exp.tensors);
    await expectInteropError(importSaeLensFiles([{ path: 'sae.safetensors', data: relu }]), 'missing-entry', /architecture is unknown/);
  });
});

describe('SAELens conversions of real-world folders', () => {
  it('reads bfloat16 weights as float32 and says so', async () => {
    const { exp } = exported('relu');
    const tensors: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }> = {};
    const expected: Record<string, Float32Array> = {};
    for (const [name, t] of Object.entries(exp.tensors)) {
      const bits = new Uint32Array(t.data.slice().buffer);
      const words = Uint16Array.from(bits, (b) => b >>> 16);
      expected[name] = new Float32Array(Uint32Array.from(words, (w) => w << 16).buffer);
      tensors[name] = { dtype: 'BF16', shape: t.shape, bytes: new Uint8Array(words.buffer) };
    }
    const imported = await importSaeLensFiles([
      { path: 'cfg.json', data: enc.encode(JSON.stringify(exp.cfgJson)) },
      { path: 'sae_weights.safetensors', data: craftSafetensors(tensors) },
    ]);
    expect(sameFloats(imported.params.W_enc, expected.W_enc!)).toBe(true);
    expect(imported.warnings.join(' ')).toMatch(/Converted to float32: .*W_enc \(BF16\)/);
  });

  it('folds decoder norms of a TopK SAE with rescale_acts_by_decoder_norm, keeping its outputs', async () => {
    const { exp } = exported('topk');
    // give decoder rows norms ≠ 1, as SAELens leaves them
    const norms = [0.5, 2, 1.5, 0.8, 3, 1, 0.25, 4];
    const W_dec = exp.tensors.W_dec!.data.map((v, i) => v * norms[Math.floor(i / 5)]!);
    const cfg = { ...exp.cfgJson, rescale_acts_by_decoder_norm: true };
    const imported = await importSaeLensFiles([
      { path: 'cfg.json', data: enc.encode(JSON.stringify(cfg)) },
      { path: 'sae_weights.safetensors', data: writeSafetensors({ ...exp.tensors, W_dec: { shape: [8, 5], data: W_dec } }) },
    ]);
    expect(imported.warnings.join(' ')).toMatch(/decoder norms were folded/);
    expect(imported.cfg.rescale_acts_by_decoder_norm).toBe(false);
    // SAELens semantics: select on pre·‖W_dec_j‖, decode acts/‖W_dec_j‖ through W_dec
    const B = 8;
    const x = randomNormals(B * 5, 4);
    const p = exp.tensors;
    const out = inferenceForward(
      { architecture: 'topk', apply_b_dec_to_input: true, k: 2 },
      toReferenceParams(imported.params, { architecture: 'topk', d_in: 5, d_sae: 8 }),
      x,
      { B, dIn: 5, dSae: 8 },
      null,
    );
    for (let b = 0; b < B; b++) {
      const pre = Array.from({ length: 8 }, (_, j) => {
        let s = p.b_enc!.data[j]!;
        for (let i = 0; i < 5; i++) s += (x[b * 5 + i]! - p.b_dec!.data[i]!) * p.W_enc!.data[i * 8 + j]!;
        return s * norms[j]!;
      });
      const top = pre.map((v, j) => [v, j] as const).sort((u, v) => v[0] - u[0]).slice(0, 2);
      const xHat = Array.from(p.b_dec!.data);
      for (const [v, j] of top) if (v > 0) for (let i = 0; i < 5; i++) xHat[i]! += (v / norms[j]!) * W_dec[j * 5 + i]!;
      for (let i = 0; i < 5; i++) expect(out.xHat[b * 5 + i]).toBeCloseTo(xHat[i]!, 5);
    }
  });

  it('reads a BatchTopK training checkpoint as JumpReLU with its learned threshold', async () => {
    const { exp } = exported('topk');
    const cfg = { ...exp.cfgJson, architecture: 'batchtopk', k: 2.5 };
    const imported = await importSaeLensFiles([
      { path: 'cfg.json', data: enc.encode(JSON.stringify(cfg)) },
      { path: 'sae_weights.safetensors', data: writeSafetensors({ ...exp.tensors, topk_threshold: { shape: [], data: Float32Array.of(0.4) } }) },
    ]);
    expect(imported.architecture).toBe('jumprelu');
    expect(Array.from(imported.params.log_threshold!, Math.exp).every((t) => Math.abs(t - 0.4) < 1e-6)).toBe(true);
    expect(imported.warnings.join(' ')).toMatch(/BatchTopK read as JumpReLU/);
  });

  it('warns about ignored tensors and a broken sparsity file, and keeps going', async () => {
    const { exp } = exported('relu');
    const files = saeLensFiles(exp);
    const imported = await importSaeLensFiles([
      { path: 'cfg.json', data: files['cfg.json']! },
      { path: 'sae_weights.safetensors', data: writeSafetensors({ ...exp.tensors, W_extra: { shape: [1], data: Float32Array.of(1) } }) },
      { path: 'sparsity.safetensors', data: enc.encode('nonsense') },
    ]);
    expect(imported.log10Density).toBeUndefined();
    expect(imported.warnings.join(' ')).toMatch(/Ignored tensors .*W_extra/);
    expect(imported.warnings.join(' ')).toMatch(/sparsity.safetensors was ignored/);
  });
});

describe('SAELens import validation', () => {
  const { exp } = exported('jumprelu');
  const files = saeLensFiles(exp);
  const folder = (cfg: unknown, weights: Uint8Array = files['sae_weights.safetensors']!): ImportFile[] => [
    { path: 'cfg.json', data: typeof cfg === 'string' ? enc.encode(cfg) : enc.encode(JSON.stringify(cfg)) },
    { path: 'sae_weights.safetensors', data: weights },
  ];
  const tensorsWith = (patch: Record<string, Float32Tensor>) => writeSafetensors({ ...exp.tensors, ...patch });

  it.each<[string, ImportFile[], Parameters<typeof expectInteropError>[1], RegExp]>([
    ['bad JSON', folder('{"d_in": 5,'), 'bad-json', /cfg.json is not valid JSON/],
    ['a JSON array', folder('[1,2]'), 'bad-json', /JSON object/],
    ['wrong d_in', folder({ ...exp.cfgJson, d_in: 6 }), 'wrong-dims', /W_enc has shape \[5, 8\], but cfg.json \(d_in=6, d_sae=8\) requires \[6, 8\]/],
    ['a missing d_sae', folder({ ...exp.cfgJson, d_sae: undefined }), 'invalid-data', /d_sae must be a positive integer/],
    ['an unknown architecture', folder({ ...exp.cfgJson, architecture: 'gated' }), 'unknown-architecture', /"gated" is not supported/],
    ['normalised activations', folder({ ...exp.cfgJson, normalize_activations: 'layer_norm' }), 'unsupported', /normalize_activations is "layer_norm"/],
    ['truncated weights', folder(exp.cfgJson, files['sae_weights.safetensors']!.subarray(0, 200)), 'truncated', /Truncated safetensors/],
    ['a missing tensor', folder(exp.cfgJson, writeSafetensors({ W_enc: exp.tensors.W_enc! })), 'missing-entry', /no W_dec tensor/],
    ['NaN weights', folder(exp.cfgJson, tensorsWith({ b_enc: { shape: [8], data: new Float32Array(8).fill(NaN) } })), 'invalid-data', /b_enc\[0\] is NaN/],
    ['a negative threshold', folder(exp.cfgJson, tensorsWith({ threshold: { shape: [8], data: new Float32Array(8).fill(-1) } })), 'invalid-data', /threshold\[0\] is -1/],
    ['a topk cfg without k', folder({ ...exp.cfgJson, architecture: 'topk' }), 'invalid-data', /integer k/],
    ['a BatchTopK checkpoint without threshold', folder({ ...exp.cfgJson, architecture: 'batchtopk' }), 'missing-entry', /no learned topk_threshold/],
  ])('rejects %s', async (_what, input, code, message) => {
    await expectInteropError(importSaeLensFiles(input), code, message);
  });

  it('refuses weights above the size limit before reading them', async () => {
    await expectInteropError(importSaeLensFiles(folder(exp.cfgJson), { maxWeightBytes: 100 }), 'too-large');
  });

  it('reads zips made by other tools (deflated, nested folder) and rejects damaged ones', async () => {
    const zip = zipSync({ 'outer/sae/cfg.json': files['cfg.json']!, 'outer/sae/sae_weights.safetensors': files['sae_weights.safetensors']! }, { level: 9 });
    expect((await importSaeLensZip(zip)).folder).toBe('outer/sae');
    const damaged = zip.slice();
    damaged[60] = damaged[60]! ^ 0xff;
    await expectInteropError(importSaeLensZip(damaged), 'corrupt');
    await expectInteropError(importSaeLensZip(zip.subarray(0, zip.length - 30)), 'not-zip');
  });
});

describe('SAELens import from the Hub', () => {
  const { exp } = exported('topk');
  const files = saeLensFiles(exp, new Float32Array(8).fill(-3));
  const endpoint = 'http://hub.test';
  const folderUrl = `${endpoint}/jbloom/GPT2-Small-SAEs-Reformatted/resolve/main/blocks.8.hook_resid_pre`;

  function fakeHub(routes: Record<string, Uint8Array | number | { body: Uint8Array; length: number }>): { fetch: (url: string, init?: RequestInit) => Promise<Response>; requests: { url: string; auth: string | null }[] } {
    const requests: { url: string; auth: string | null }[] = [];
    return {
      requests,
      fetch: async (url, init) => {
        requests.push({ url, auth: new Headers(init?.headers).get('authorization') });
        const route = routes[url];
        if (route === undefined) return new Response('not found', { status: 404 });
        if (typeof route === 'number') {
          if (route === 0) throw new TypeError('fetch failed');
          return new Response('no', { status: route });
        }
        if (route instanceof Uint8Array) return new Response(route.slice(), { headers: { 'content-length': String(route.length) } });
        return new Response(route.body.slice(), { headers: { 'content-length': String(route.length) } });
      },
    };
  }

  it('downloads cfg.json, weights and sparsity from a release folder', async () => {
    const hub = fakeHub({
      [`${folderUrl}/cfg.json`]: files['cfg.json']!,
      [`${folderUrl}/sae_weights.safetensors`]: files['sae_weights.safetensors']!,
      [`${folderUrl}/sparsity.safetensors`]: files['sparsity.safetensors']!,
    });
    const progress: number[] = [];
    const imported = await importSaeLensFromHub({
      repo: 'jbloom/GPT2-Small-SAEs-Reformatted',
      path: '/blocks.8.hook_resid_pre/',
      endpoint,
      token: 'hf_x',
      fetch: hub.fetch,
      onProgress: (loaded) => progress.push(loaded),
    });
    expect(imported.architecture).toBe('topk');
    expect(imported.log10Density).toEqual(new Float32Array(8).fill(-3));
    expect(hub.requests.map((r) => r.url)).toEqual([`${folderUrl}/cfg.json`, `${folderUrl}/sae_weights.safetensors`, `${folderUrl}/sparsity.safetensors`]);
    expect(hub.requests.every((r) => r.auth === 'Bearer hf_x')).toBe(true);
    expect(progress.at(-1)).toBe(files['sae_weights.safetensors']!.length);
  });

  it('goes on without sparsity.safetensors, and reports HTTP failures by kind', async () => {
    const ok = { [`${folderUrl}/cfg.json`]: files['cfg.json']!, [`${folderUrl}/sae_weights.safetensors`]: files['sae_weights.safetensors']! };
    const request = { repo: 'jbloom/GPT2-Small-SAEs-Reformatted', path: 'blocks.8.hook_resid_pre', endpoint };
    const imported = await importSaeLensFromHub({ ...request, fetch: fakeHub(ok).fetch });
    expect(imported.log10Density).toBeUndefined();
    expect(imported.warnings).toEqual([]);

    await expectInteropError(importSaeLensFromHub({ ...request, fetch: fakeHub({}).fetch }), 'not-found', /cfg.json was not found in jbloom\/GPT2-Small-SAEs-Reformatted/);
    await expectInteropError(importSaeLensFromHub({ ...request, fetch: fakeHub({ [`${folderUrl}/cfg.json`]: 401 }).fetch }), 'auth');
    await expectInteropError(importSaeLensFromHub({ ...request, fetch: fakeHub({ [`${folderUrl}/cfg.json`]: 500 }).fetch }), 'http', /HTTP 500/);
    await expectInteropError(importSaeLensFromHub({ ...request, fetch: fakeHub({ [`${folderUrl}/cfg.json`]: 0 }).fetch }), 'network');
    const weights = files['sae_weights.safetensors']!;
    const cut = fakeHub({ ...ok, [`${folderUrl}/sae_weights.safetensors`]: { body: weights.subarray(0, 100), length: weights.length } });
    await expectInteropError(importSaeLensFromHub({ ...request, fetch: cut.fetch }), 'truncated', /ended after 100 of/);
    await expectInteropError(importSaeLensFromHub({ ...request, repo: 'not a repo' }), 'invalid-option');
    await expectInteropError(importSaeLensFromHub({ ...request, path: 'a/../b' }), 'invalid-option');
  });
});

describe('locateSaeLensFolder', () => {
  it('prefers folders with cfg.json over bare weight files', () => {
    expect(locateSaeLensFolder(['a/cfg.json', 'a/sae_weights.safetensors', 'b/other.safetensors']).folder).toBe('a');
    expect(locateSaeLensFolder(['b/other.safetensors', 'b/sparsity.safetensors'])).toEqual({ folder: 'b', weightsPath: 'b/other.safetensors', sparsityPath: 'b/sparsity.safetensors' });
  });
});

describe('checkCompatibility', () => {
  const hookPoints = ['blocks.0.hook_resid_pre', 'blocks.0.hook_resid_post', 'blocks.1.hook_resid_post', 'blocks.1.hook_mlp_out'];

  it('accepts a matching SAE and maps resid_pre(L) to resid_post(L−1)', () => {
    expect(checkCompatibility({ dIn: 768, hookName: 'blocks.1.hook_resid_post' }, { dModel: 768, hookPoints })).toEqual({ compatible: true, problems: [], notes: [], hook: 'blocks.1.hook_resid_post' });
    const eq = checkCompatibility({ dIn: 768, hookName: 'blocks.2.hook_resid_pre' }, { dModel: 768, hookPoints });
    expect(eq.compatible).toBe(true);
    expect(eq.hook).toBe('blocks.1.hook_resid_post');
    expect(eq.notes[0]).toMatch(/same tensor as blocks.1.hook_resid_post/);
    expect(equivalentHook('blocks.0.hook_resid_pre')).toBeNull();
    expect(equivalentHook('blocks.3.hook_resid_post')).toBe('blocks.4.hook_resid_pre');
  });

  it('explains a width mismatch and a missing hook', () => {
    const r = checkCompatibility({ dIn: 512, hookName: 'blocks.7.hook_mlp_out', modelName: 'gelu-2l' }, { dModel: 768, hookPoints, name: 'gpt2' });
    expect(r.compatible).toBe(false);
    expect(r.problems.map((p) => p.field)).toEqual(['d_in', 'hook']);
    expect(r.problems[0]!.message).toMatch(/vectors of size 512, but the model gpt2 has d_model = 768/);
    expect(r.problems[1]!.message).toMatch(/blocks.7.hook_mlp_out, which the model gpt2 does not have \(similar hook points: blocks.1.hook_mlp_out\)/);
    expect(r.notes[0]).toMatch(/names its model "gelu-2l"/);
    expect(r.hook).toBeNull();
  });

  it('asks for a hook when the SAE names none', () => {
    const r = checkCompatibility({ dIn: 768, hookName: null }, { dModel: 768, hookPoints });
    expect(r.compatible).toBe(true);
    expect(r.hook).toBeNull();
    expect(r.notes[0]).toMatch(/choose one of the model's hook points/);
  });
});
