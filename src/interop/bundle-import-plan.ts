// What importing an opened bundle into a studio would do, worked out without changing anything: rows whose
// id the studio already has get new ids, every reference to them follows (an SAE's features and examples,
// a template's or SAE's model), blob keys that are taken get new keys, and references to things neither
// in the bundle nor in the studio are dropped with a warning. An importer then writes the blobs (to
// temporary keys first) and commits the rows in one transaction.
import type { ActivationSourceSpec, SaeRecord } from '../domain/entities';
import { validateBlobKey } from '../store/blob-key';
import { describeError, InteropError } from './errors';
import { featureExampleId, featureId, type BundleRows, type BundleTable } from './bundle-rows';
import { openBundle, type BundleReadOptions, type OpenedBundle } from './bundle-reader';
import type { RandomAccessSource } from './random-access';
import { toReadableStream } from './zip-writer';

/** What the importer's database and BlobStore already hold. */
export interface ImportTarget {
  /** whether `table` (any table of the studio's schema, e.g. 'trainings') has a row with this id */
  hasRow(table: string, id: string): boolean | Promise<boolean>;
  hasBlob(key: string): boolean | Promise<boolean>;
  /** fresh ids (default crypto.randomUUID) */
  newId?: () => string;
}

export interface PlannedBlob {
  /** the key to store it under (the bundle's key, or a new one when that is taken) */
  key: string;
  /** its key in the bundle */
  sourceKey: string;
  bytes: number;
  /** the blob's bytes, checked (size, CRC-32) as they stream; errors before the end if damaged */
  stream(): ReadableStream<Uint8Array>;
}

export interface ImportPlan {
  rows: BundleRows;
  blobs: PlannedBlob[];
  /** ids that change because the studio already has them */
  remapped: { table: BundleTable; from: string; to: string }[];
  /** blob keys that change because the studio already has them */
  rekeyed: { from: string; to: string }[];
  /** rows of SAEs the studio already has (not in the bundle) that the import replaces, by SAE id */
  replaces: { saeId: string; features: number; featureExamples: number }[];
  warnings: string[];
}

export interface ImportPlanOptions {
  /** the bundle's file name, for the origin of SAEs whose training is not in the studio */
  fileName?: string;
}

const REMAPPED_TABLES = ['trainingTemplates', 'extractionTemplates', 'models', 'datasets', 'saes'] as const;

/** Works out the import of an opened bundle; reads nothing but the target's ids. */
export async function planBundleImport(bundle: OpenedBundle, target: ImportTarget, options: ImportPlanOptions = {}): Promise<ImportPlan> {
  const newId = target.newId ?? (() => crypto.randomUUID());
  const fileName = options.fileName ?? 'bundle';
  const { rows } = bundle;
  const remapped: ImportPlan['remapped'] = [];
  const warnings: string[] = [];
  const maps = new Map<BundleTable, Map<string, string>>();
  for (const table of REMAPPED_TABLES) {
    const map = new Map<string, string>();
    for (const row of rows[table]) {
      const to = (await target.hasRow(table, row.id)) ? newId() : row.id;
      map.set(row.id, to);
      if (to !== row.id) remapped.push({ table, from: row.id, to });
    }
    maps.set(table, map);
  }
  const mapped = (table: BundleTable, id: string): string | undefined => maps.get(table)?.get(id);
  const oldToNew = new Map(remapped.map((r) => [r.from, r.to]));

  // blob keys: follow renamed ids in their folder names, then avoid keys the studio has
  const keyMap = new Map<string, string>();
  const planned = new Set<string>();
  const rekeyed: ImportPlan['rekeyed'] = [];
  for (const blob of bundle.blobs) {
    let key = blob.key
      .split('/')
      .map((s) => oldToNew.get(s) ?? s)
      .join('/');
    if (planned.has(key) || (await target.hasBlob(key))) key = `imported/${newId()}/${blob.key.split('/').at(-1)!}`;
    try {
      validateBlobKey(key);
    } catch (cause) {
      throw new InteropError('invalid-option', `Cannot store ${blob.key} as ${key}: ${describeError(cause)}`, 'Report the problem.', { cause });
    }
    planned.add(key);
    keyMap.set(blob.key, key);
    if (key !== blob.key) rekeyed.push({ from: blob.key, to: key });
  }
  const blobKey = (key: string): string => keyMap.get(key)!;

  /** An activation source whose references resolve in the bundle or the studio, or undefined. */
  const resolveSource = async (source: ActivationSourceSpec, owner: string): Promise<ActivationSourceSpec | undefined> => {
    if (source.kind === 'synthetic') return source;
    if (source.kind === 'cache') {
      if (await target.hasRow('activationCaches', source.cacheId)) return source;
      warnings.push(`${owner}: its activation cache is not in the studio, so its activation source was left out.`);
      return undefined;
    }
    const modelId = mapped('models', source.modelId) ?? ((await target.hasRow('models', source.modelId)) ? source.modelId : undefined);
    if (modelId === undefined || !(await target.hasRow('tokenizations', source.tokenizationId))) {
      warnings.push(`${owner}: its model or tokenized dataset is not in the studio, so its activation source was left out.`);
      return undefined;
    }
    return { ...source, modelId };
  };

  const out: BundleRows = {
    trainingTemplates: [],
    extractionTemplates: rows.extractionTemplates.map((t) => ({ ...t, id: mapped('extractionTemplates', t.id)!, builtIn: false })),
    models: rows.models.map((m) => ({ ...m, id: mapped('models', m.id)!, files: m.files.map((f) => ({ ...f, blobKey: blobKey(f.blobKey) })) })),
    datasets: rows.datasets.map((d) => {
      const row = { ...d, id: mapped('datasets', d.id)! };
      if (d.blobKey !== undefined) row.blobKey = blobKey(d.blobKey);
      if (d.parts) row.parts = d.parts.map((p) => ({ ...p, blobKey: blobKey(p.blobKey) }));
      return row;
    }),
    saes: [],
    features: [],
    featureExamples: [],
  };
  for (const t of rows.trainingTemplates) {
    // an imported template is the user's own copy, even of a built-in one
    const row = { ...t, id: mapped('trainingTemplates', t.id)!, builtIn: false };
    delete row.source;
    if (t.source) {
      const source = await resolveSource(t.source, `Template "${t.name}"`);
      if (source) row.source = source;
    }
    out.trainingTemplates.push(row);
  }
  for (const s of rows.saes) {
    const row: SaeRecord = { ...s, id: mapped('saes', s.id)!, blobKey: blobKey(s.blobKey) };
    delete row.modelId;
    delete row.source;
    if (s.modelId !== undefined) {
      const modelId = mapped('models', s.modelId) ?? ((await target.hasRow('models', s.modelId)) ? s.modelId : undefined);
      if (modelId !== undefined) row.modelId = modelId;
      else warnings.push(`SAE "${s.name}": its model is not in the bundle or the studio; attach it to a model after the import.`);
    }
    if (s.source) {
      const source = await resolveSource(s.source, `SAE "${s.name}"`);
      if (source) row.source = source;
    }
    if (s.origin.kind === 'training' && !(await target.hasRow('trainings', s.origin.trainingId))) row.origin = { kind: 'import', fileName };
    out.saes.push(row);
  }

  // features and examples follow their SAE: one in the bundle, or one the studio already has
  const saeTarget = new Map<string, string>();
  const replaces = new Map<string, { saeId: string; features: number; featureExamples: number }>();
  const resolveSae = async (saeId: string): Promise<string> => {
    const known = saeTarget.get(saeId);
    if (known !== undefined) return known;
    let to = mapped('saes', saeId);
    if (to === undefined) {
      if (!(await target.hasRow('saes', saeId))) {
        throw new InteropError('invalid-data', `The bundle holds features of the SAE "${saeId}", which is neither in the bundle nor in the studio.`, 'Export the bundle again with the SAE included.');
      }
      to = saeId;
      replaces.set(saeId, { saeId, features: 0, featureExamples: 0 });
    }
    saeTarget.set(saeId, to);
    return to;
  };
  for (const f of rows.features) {
    const saeId = await resolveSae(f.saeId);
    const r = replaces.get(f.saeId);
    if (r) r.features++;
    out.features.push({ ...f, saeId, id: featureId(saeId, f.index) });
  }
  for (const e of rows.featureExamples) {
    const saeId = await resolveSae(e.saeId);
    const r = replaces.get(e.saeId);
    if (r) r.featureExamples++;
    out.featureExamples.push({ ...e, saeId, id: featureExampleId({ ...e, saeId }) });
  }
  for (const r of replaces.values()) {
    warnings.push(`The SAE "${r.saeId}" is already in the studio: ${r.features} feature rows and ${r.featureExamples} examples from the bundle replace those with the same index.`);
  }

  const blobs = bundle.blobs.map((b): PlannedBlob => ({ key: blobKey(b.key), sourceKey: b.key, bytes: b.bytes, stream: () => toReadableStream(b.chunks()) }));
  return { rows: out, blobs, remapped, rekeyed, replaces: [...replaces.values()], warnings };
}

/** Opens, checks and plans in one step: nothing is returned unless the whole bundle checks out. */
export async function readBundleForImport(
  file: Blob | Uint8Array | RandomAccessSource,
  target: ImportTarget,
  options: BundleReadOptions & ImportPlanOptions = {},
): Promise<ImportPlan> {
  return planBundleImport(await openBundle(file, options), target, options);
}
