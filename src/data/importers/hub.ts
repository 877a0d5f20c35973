// Hugging Face Hub datasets as parquet. The Hub converts every public dataset to parquet (branch
// refs/convert/parquet) and lists the files:
//   GET {endpoint}/api/datasets/{repo}/parquet                  → { [config]: { [split]: url[] } }
//   GET {endpoint}/api/datasets/{repo}/parquet/{config}/{split} → url[]
// Each url (…/parquet/{config}/{split}/{n}.parquet) redirects to the file under
// {endpoint}/datasets/{repo}/resolve/refs%2Fconvert%2Fparquet/…; fetch follows the redirect, Range header
// included. Files in the repository itself resolve at {endpoint}/datasets/{repo}/resolve/{revision}/{path}.
import type { DocumentStream } from './document-stream';
import { DatasetImportError } from './errors';
import { httpError, httpRangeBuffer, type FetchLike } from './http-range-buffer';
import { importParquet } from './parquet';

export const HUB_ENDPOINT = 'https://huggingface.co';

export interface HubAccess {
  /** default https://huggingface.co (a local server in tests) */
  endpoint?: string;
  /** access token for private or gated datasets */
  token?: string;
  fetch?: FetchLike;
  signal?: AbortSignal;
}

const REPO_PATTERN = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

/** Checks an "owner/name" dataset id; throws 'invalid-option' with a readable message. */
export function validateHubRepo(repo: string): string {
  const trimmed = repo.trim();
  if (!REPO_PATTERN.test(trimmed) || trimmed.includes('..')) {
    throw new DatasetImportError('invalid-option', `"${repo}" is not a Hub dataset name.`, 'Enter it as owner/name, for example "roneneldan/TinyStories".');
  }
  return trimmed;
}

function base(endpoint: string | undefined): string {
  return (endpoint ?? HUB_ENDPOINT).replace(/\/+$/, '');
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** URL of a file in a dataset repository: {endpoint}/datasets/{repo}/resolve/{revision}/{path}. */
export function hubResolveUrl(repo: string, path: string, options: { revision?: string; endpoint?: string } = {}): string {
  const revision = encodeURIComponent(options.revision ?? 'main');
  return `${base(options.endpoint)}/datasets/${validateHubRepo(repo)}/resolve/${revision}/${encodePath(path.replace(/^\/+/, ''))}`;
}

/** URL of the Hub's parquet listing, for all subsets, one subset, or one subset's split. */
export function hubParquetListUrl(repo: string, options: { config?: string; split?: string; endpoint?: string } = {}): string {
  let url = `${base(options.endpoint)}/api/datasets/${validateHubRepo(repo)}/parquet`;
  if (options.config !== undefined) {
    url += `/${encodeURIComponent(options.config)}`;
    if (options.split !== undefined) url += `/${encodeURIComponent(options.split)}`;
  }
  return url;
}

function authHeaders(access: HubAccess): Record<string, string> {
  return access.token ? { Authorization: `Bearer ${access.token}` } : {};
}

async function getJson(url: string, access: HubAccess): Promise<unknown> {
  const fetchFn: FetchLike = access.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let response: Response;
  try {
    response = await fetchFn(url, { headers: authHeaders(access), signal: access.signal });
  } catch (cause) {
    if (cause instanceof Error && cause.name === 'AbortError') throw cause;
    throw new DatasetImportError('network', `Could not reach the Hub (${base(access.endpoint)}).`, 'Check your internet connection and try again.', {}, { cause });
  }
  if (!response.ok) throw httpError(url, response.status, response.statusText);
  try {
    return await response.json();
  } catch (cause) {
    throw new DatasetImportError('http', `The Hub sent an unreadable answer for ${url}.`, 'Try again later.', {}, { cause });
  }
}

function badListing(url: string): DatasetImportError {
  return new DatasetImportError('http', `The Hub's parquet listing at ${url} has an unexpected shape.`, 'Try again later, or import a parquet file by its path.');
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Subsets and splits with their parquet file URLs: { config: { split: url[] } }. */
export async function listHubParquetSplits(repo: string, access: HubAccess = {}): Promise<Record<string, Record<string, string[]>>> {
  const url = hubParquetListUrl(repo, { endpoint: access.endpoint });
  const body = await getJson(url, access);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badListing(url);
  const result: Record<string, Record<string, string[]>> = {};
  for (const [config, splits] of Object.entries(body)) {
    if (typeof splits !== 'object' || splits === null || Array.isArray(splits)) throw badListing(url);
    result[config] = {};
    for (const [split, urls] of Object.entries(splits)) {
      if (!isStringArray(urls)) throw badListing(url);
      result[config]![split] = urls;
    }
  }
  return result;
}

/** The parquet file URLs of one subset's split, in shard order. */
export async function listHubParquetFiles(repo: string, config: string, split: string, access: HubAccess = {}): Promise<string[]> {
  const url = hubParquetListUrl(repo, { config, split, endpoint: access.endpoint });
  const body = await getJson(url, access);
  if (!isStringArray(body)) throw badListing(url);
  if (body.length === 0) {
    throw new DatasetImportError('not-found', `The split "${split}" of "${config}" in ${repo} has no parquet files.`, 'Choose another subset or split.');
  }
  return body;
}

export interface HubParquetImportOptions extends HubAccess {
  column: string;
  limit?: number;
  footerFetchBytes?: number;
}

/** Streams documents from parquet URLs (from listHubParquetFiles or hubResolveUrl) over range requests. */
export function importHubParquet(urls: readonly string[], options: HubParquetImportOptions): DocumentStream {
  if (urls.length === 0) {
    throw new DatasetImportError('invalid-option', 'No parquet files were given.', 'Choose a subset and split that has files.');
  }
  const headers = authHeaders(options);
  return importParquet(
    urls.map((url) => () => httpRangeBuffer(url, { fetch: options.fetch, headers, signal: options.signal })),
    { column: options.column, limit: options.limit, footerFetchBytes: options.footerFetchBytes },
  );
}
