// Importing a SAELens SAE from what a user has: the files of a dropped folder (or <input webkitdirectory>),
// a .zip, or a folder of a Hugging Face repository. Each source is searched for a folder holding cfg.json
// and the weights (sae_weights.safetensors, or a single other .safetensors), then decoded by
// decodeSaeLensFolder; several candidate folders are an 'ambiguous' error listing them for the user.
import { SAELENS_CFG_FILENAME, SAELENS_SPARSITY_FILENAME, SAELENS_WEIGHTS_FILENAME } from '../sae/formats/saelens';
import { describeError, InteropError, isAbort } from './errors';
import { fetchHubFile, validateRepoPath, type HubFileRequest } from './hub-fetch';
import { blobSource, bytesSource, type RandomAccessSource } from './random-access';
import { decodeSaeLensFolder, type BareWeightsOptions, type SaeLensImport } from './saelens-folder';
import { ZipArchive, type ZipEntry } from './zip-reader';

export type { SaeLensImport } from './saelens-folder';

export interface ImportFile {
  /** path relative to the dropped folder ("my-sae/cfg.json"), "/"-separated */
  path: string;
  data: Blob | Uint8Array;
}

export interface SaeLensImportOptions extends BareWeightsOptions {
  /** which folder to import when there are several (one of InteropError.candidates) */
  folder?: string;
  /** refuse weight files larger than this (default 2 GiB) */
  maxWeightBytes?: number;
}

/** A located SAE: its folder and the paths of its files. */
export interface SaeLensLocation {
  folder: string;
  cfgPath?: string;
  weightsPath: string;
  sparsityPath?: string;
}

const DEFAULT_MAX_WEIGHT_BYTES = 2 * 1024 ** 3;
const MAX_CFG_BYTES = 4 * 1024 * 1024;

/** "a\\b/./c" → "a/b/c"; drops leading slashes. */
export function normalizePath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

/** macOS and editor debris that sits next to real files in folders and zips. */
function isJunk(path: string): boolean {
  return path.split('/').some((s) => s === '__MACOSX' || s.startsWith('._') || s === '.DS_Store');
}

function split(path: string): { dir: string; base: string } {
  const i = path.lastIndexOf('/');
  return i < 0 ? { dir: '', base: path } : { dir: path.slice(0, i), base: path.slice(i + 1) };
}

/** Finds the SAE folders among `paths`; `folder` picks one when there are several. */
export function locateSaeLensFolder(paths: readonly string[], folder?: string): SaeLensLocation {
  const dirs = new Map<string, string[]>();
  for (const raw of paths) {
    const path = normalizePath(raw);
    if (!path || isJunk(path)) continue;
    const { dir, base } = split(path);
    const list = dirs.get(dir) ?? [];
    list.push(base);
    dirs.set(dir, list);
  }
  const withCfg: SaeLensLocation[] = [];
  const bare: SaeLensLocation[] = [];
  for (const [dir, names] of dirs) {
    const join = (n: string) => (dir ? `${dir}/${n}` : n);
    const weights = names.filter((n) => n.toLowerCase().endsWith('.safetensors') && n !== SAELENS_SPARSITY_FILENAME);
    const chosen = weights.includes(SAELENS_WEIGHTS_FILENAME) ? SAELENS_WEIGHTS_FILENAME : weights.length === 1 ? weights[0] : undefined;
    if (!chosen) continue;
    const location: SaeLensLocation = { folder: dir, weightsPath: join(chosen) };
    if (names.includes(SAELENS_SPARSITY_FILENAME)) location.sparsityPath = join(SAELENS_SPARSITY_FILENAME);
    if (names.includes(SAELENS_CFG_FILENAME)) {
      location.cfgPath = join(SAELENS_CFG_FILENAME);
      withCfg.push(location);
    } else {
      bare.push(location);
    }
  }
  // a folder with cfg.json is a real SAELens export; bare weight files count only when there is none
  const candidates = (withCfg.length ? withCfg : bare).sort((a, b) => a.folder.localeCompare(b.folder));
  const label = (f: string) => (f === '' ? '(top level)' : f);
  if (folder !== undefined) {
    const wanted = normalizePath(folder);
    const hit = candidates.find((c) => c.folder === wanted);
    if (!hit) {
      throw new InteropError('missing-entry', `There is no SAE in the folder "${label(wanted)}".`, candidates.length ? 'Choose one of the folders listed.' : 'Choose a folder with cfg.json and sae_weights.safetensors.', {
        candidates: candidates.map((c) => c.folder),
      });
    }
    return hit;
  }
  if (candidates.length === 0) {
    throw new InteropError(
      'missing-entry',
      'No SAELens SAE was found: no folder holds cfg.json together with sae_weights.safetensors.',
      'Choose the folder SAELens saved (it holds cfg.json and sae_weights.safetensors), or a .zip of it.',
    );
  }
  if (candidates.length > 1) {
    throw new InteropError('ambiguous', `${candidates.length} SAEs were found: ${candidates.map((c) => label(c.folder)).join(', ')}.`, 'Choose which one to import.', {
      candidates: candidates.map((c) => c.folder),
    });
  }
  return candidates[0]!;
}

function limitCheck(name: string, size: number, max: number): void {
  if (size > max) {
    throw new InteropError('too-large', `${name} is ${(size / 1024 ** 3).toFixed(2)} GiB, more than the ${(max / 1024 ** 3).toFixed(2)} GiB the studio reads at once.`, 'Choose a smaller SAE.');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(bytes: Uint8Array, name: string): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new InteropError('bad-json', `${name} is not UTF-8 text.`, 'Check that you chose the right file.', { cause });
  }
}

async function fileBytes(data: Blob | Uint8Array): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data;
  try {
    return new Uint8Array(await data.arrayBuffer());
  } catch (cause) {
    if (isAbort(cause)) throw cause;
    throw new InteropError('truncated', 'A file could not be read (it may have been moved, changed or deleted since it was chosen).', 'Choose the folder again.', { cause });
  }
}

/** The dropped files, with the paths the browser gives them (webkitRelativePath, else the name). */
export function filesFromFileList(files: Iterable<File>): ImportFile[] {
  return Array.from(files, (f) => ({ path: f.webkitRelativePath || f.name, data: f }));
}

/** Imports the SAE among dropped files (a folder drop, or several files chosen at once). */
export async function importSaeLensFiles(files: readonly ImportFile[], options: SaeLensImportOptions = {}): Promise<SaeLensImport> {
  const byPath = new Map(files.map((f) => [normalizePath(f.path), f.data]));
  const location = locateSaeLensFolder([...byPath.keys()], options.folder);
  const max = options.maxWeightBytes ?? DEFAULT_MAX_WEIGHT_BYTES;
  const weightsData = byPath.get(location.weightsPath)!;
  limitCheck(location.weightsPath, weightsData instanceof Uint8Array ? weightsData.length : weightsData.size, max);
  const weights = await fileBytes(weightsData);
  let cfgText: string | undefined;
  if (location.cfgPath) {
    const cfgData = byPath.get(location.cfgPath)!;
    limitCheck(location.cfgPath, cfgData instanceof Uint8Array ? cfgData.length : cfgData.size, MAX_CFG_BYTES);
    cfgText = decodeText(await fileBytes(cfgData), SAELENS_CFG_FILENAME);
  }
  const sparsity = location.sparsityPath ? await fileBytes(byPath.get(location.sparsityPath)!) : undefined;
  return decodeSaeLensFolder({ folder: location.folder, weightsName: split(location.weightsPath).base, weights, cfgText, sparsity }, options);
}

/** Imports the SAE inside a .zip (a File, a Blob, bytes, or any random-access source). */
export async function importSaeLensZip(zip: Blob | Uint8Array | RandomAccessSource, options: SaeLensImportOptions = {}): Promise<SaeLensImport> {
  const source = zip instanceof Uint8Array ? bytesSource(zip) : zip instanceof Blob ? blobSource(zip) : zip;
  const archive = await ZipArchive.open(source);
  const byPath = new Map<string, ZipEntry>();
  for (const e of archive.files()) byPath.set(normalizePath(e.name), e);
  const location = locateSaeLensFolder([...byPath.keys()], options.folder);
  const weightsEntry = byPath.get(location.weightsPath)!;
  limitCheck(location.weightsPath, weightsEntry.size, options.maxWeightBytes ?? DEFAULT_MAX_WEIGHT_BYTES);
  const weights = await archive.bytes(weightsEntry);
  const cfgText = location.cfgPath ? decodeText(await archive.bytes(byPath.get(location.cfgPath)!, MAX_CFG_BYTES), SAELENS_CFG_FILENAME) : undefined;
  let sparsity: Uint8Array | undefined;
  const warnings: string[] = [];
  if (location.sparsityPath) {
    // the densities are optional: a damaged file is a warning, not a failed import
    try {
      sparsity = await archive.bytes(byPath.get(location.sparsityPath)!, 256 * 1024 * 1024);
    } catch (e) {
      if (!(e instanceof InteropError)) throw e;
      warnings.push(`sparsity.safetensors was ignored: ${e.message}`);
    }
  }
  const imported = decodeSaeLensFolder({ folder: location.folder, weightsName: split(location.weightsPath).base, weights, cfgText, sparsity }, options);
  imported.warnings.push(...warnings);
  return imported;
}

export interface HubSaeRequest extends Omit<HubFileRequest, 'path' | 'onProgress'> {
  /** folder inside the repository ('' or absent for the top level), e.g. "blocks.8.hook_resid_pre" */
  path?: string;
  maxWeightBytes?: number;
  /** the repository's file paths, when already listed: an unlisted sparsity.safetensors is not requested */
  repoFiles?: readonly string[];
  /** bytes of the weights downloaded so far, and the total when the server says */
  onProgress?: (loaded: number, total: number | undefined) => void;
}

/**
 * Imports a SAELens folder from the Hub: {endpoint}/{repo}/resolve/{revision}/{path}/cfg.json and
 * .../sae_weights.safetensors (sparsity.safetensors when it is there).
 */
export async function importSaeLensFromHub(request: HubSaeRequest): Promise<SaeLensImport> {
  const folder = validateRepoPath(request.path ?? '');
  const at = (name: string) => (folder ? `${folder}/${name}` : name);
  const base = { ...request, path: '' };
  delete base.onProgress;
  delete base.repoFiles;
  const cfgBytes = await fetchHubFile({ ...base, path: at(SAELENS_CFG_FILENAME), maxBytes: MAX_CFG_BYTES });
  const cfgText = decodeText(cfgBytes, SAELENS_CFG_FILENAME);
  const weightsRequest: HubFileRequest = { ...base, path: at(SAELENS_WEIGHTS_FILENAME), maxBytes: request.maxWeightBytes ?? DEFAULT_MAX_WEIGHT_BYTES };
  if (request.onProgress) weightsRequest.onProgress = request.onProgress;
  const weights = await fetchHubFile(weightsRequest);
  let sparsity: Uint8Array | undefined;
  const warnings: string[] = [];
  const sparsityListed = request.repoFiles === undefined || request.repoFiles.includes(at(SAELENS_SPARSITY_FILENAME));
  if (sparsityListed) {
    try {
      sparsity = await fetchHubFile({ ...base, path: at(SAELENS_SPARSITY_FILENAME), maxBytes: 256 * 1024 * 1024 });
    } catch (e) {
      if (isAbort(e)) throw e;
      if (!(e instanceof InteropError && e.code === 'not-found')) warnings.push(`sparsity.safetensors could not be downloaded (${describeError(e)}); feature densities are unknown.`);
    }
  }
  const imported = decodeSaeLensFolder({ folder, weightsName: SAELENS_WEIGHTS_FILENAME, weights, cfgText, sparsity });
  imported.warnings.push(...warnings);
  return imported;
}
