// Downloading one file of a Hugging Face repository by its resolve URL,
// {endpoint}/{repo}/resolve/{revision}/{path}, with HTTP failures turned into InteropErrors and the body
// checked against Content-Length (a cut-off download is 'truncated', not a corrupt SAE later on).
import { InteropError, isAbort } from './errors';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export const HUB_ENDPOINT = 'https://huggingface.co';

export interface HubFileRequest {
  /** "owner/name" of a model repository */
  repo: string;
  path: string;
  /** branch, tag or commit (default "main") */
  revision?: string;
  /** default https://huggingface.co (a local server in tests) */
  endpoint?: string;
  /** access token for private or gated repositories */
  token?: string;
  fetch?: FetchLike;
  signal?: AbortSignal;
  /** refuse bodies larger than this */
  maxBytes?: number;
  onProgress?: (loaded: number, total: number | undefined) => void;
}

// The Hub's rule for each part: letters, digits, '-', '_', '.', not starting or ending with '-' or '.'.
const REPO_PART = /^(?![.-])[A-Za-z0-9._-]{1,96}(?<![.-])$/;

export function validateRepo(repo: string): string {
  const trimmed = repo.trim();
  const parts = trimmed.split('/');
  if (parts.length !== 2 || !parts.every((p) => REPO_PART.test(p) && !p.includes('..'))) {
    throw new InteropError('invalid-option', `"${repo}" is not a Hub repository name.`, 'Enter it as owner/name, for example "jbloom/GPT2-Small-SAEs-Reformatted".');
  }
  return trimmed;
}

/** A folder or file path inside a repository: no "..", no empty or control-character segments. */
export function validateRepoPath(path: string): string {
  const segments = path.replace(/\\/g, '/').split('/').filter((s) => s !== '');
  for (const s of segments) {
    if (s === '.' || s === '..' || [...s].some((c) => c.charCodeAt(0) < 0x20)) {
      throw new InteropError('invalid-option', `"${path}" is not a valid path inside a repository.`, 'Enter the folder as it appears on the Hub, e.g. "blocks.8.hook_resid_pre".');
    }
  }
  return segments.join('/');
}

export function hubResolveUrl(repo: string, path: string, revision = 'main', endpoint = HUB_ENDPOINT): string {
  const encoded = validateRepoPath(path).split('/').map(encodeURIComponent).join('/');
  return `${endpoint.replace(/\/+$/, '')}/${validateRepo(repo)}/resolve/${encodeURIComponent(revision)}/${encoded}`;
}

function httpError(url: string, status: number, repo: string, path: string): InteropError {
  if (status === 401 || status === 403) {
    return new InteropError('auth', `The Hub refused access to ${repo} (HTTP ${status}).`, 'The repository is private or gated: accept its terms on the Hub and enter an access token.');
  }
  if (status === 404) {
    return new InteropError('not-found', `${path} was not found in ${repo} (${url}).`, 'Check the repository name, revision and folder; SAELens releases keep each SAE in its own folder, e.g. "blocks.8.hook_resid_pre".');
  }
  return new InteropError('http', `The Hub answered HTTP ${status} for ${url}.`, 'Try again later.');
}

function network(endpoint: string, cause: unknown): InteropError {
  return new InteropError('network', `Could not reach the Hub (${endpoint}).`, 'Check your internet connection and try again.', { cause });
}

/** The whole file's bytes. */
export async function fetchHubFile(request: HubFileRequest): Promise<Uint8Array> {
  const endpoint = request.endpoint ?? HUB_ENDPOINT;
  const url = hubResolveUrl(request.repo, request.path, request.revision ?? 'main', endpoint);
  const fetchFn: FetchLike = request.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const init: RequestInit = {};
  if (request.token) init.headers = { Authorization: `Bearer ${request.token}` };
  if (request.signal) init.signal = request.signal;
  let response: Response;
  try {
    response = await fetchFn(url, init);
  } catch (cause) {
    if (isAbort(cause)) throw cause;
    throw network(endpoint, cause);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw httpError(url, response.status, request.repo, request.path);
  }
  const max = request.maxBytes ?? Number.MAX_SAFE_INTEGER;
  const lengthHeader = response.headers.get('content-length');
  // a compressed transfer's Content-Length counts compressed bytes, so it says nothing about the body we get
  const declared = lengthHeader !== null && !response.headers.get('content-encoding') && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  if (declared !== undefined && declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw new InteropError('too-large', `${request.path} is ${declared} bytes, more than the ${max} the studio reads at once.`, 'Choose a smaller SAE.');
  }
  const parts: Uint8Array[] = [];
  let loaded = 0;
  try {
    if (!response.body) throw new InteropError('http', `The Hub sent no data for ${url}.`, 'Try again later.');
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      loaded += value.length;
      if (loaded > max) {
        await reader.cancel().catch(() => undefined);
        throw new InteropError('too-large', `${request.path} is larger than the ${max} bytes the studio reads at once.`, 'Choose a smaller SAE.');
      }
      parts.push(value);
      request.onProgress?.(loaded, declared);
    }
  } catch (cause) {
    if (cause instanceof InteropError || isAbort(cause)) throw cause;
    throw new InteropError('network', `The download of ${request.path} was interrupted after ${loaded} bytes.`, 'Check your internet connection and try again.', { cause });
  }
  if (declared !== undefined && loaded !== declared) {
    throw new InteropError('truncated', `The download of ${request.path} ended after ${loaded} of ${declared} bytes.`, 'Try the download again.');
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
