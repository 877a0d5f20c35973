// Looking a Hub dataset up before importing it: its subsets and splits (from the Hub's parquet listing)
// and the columns of a split (from the footer and first rows of its first shard, over range requests).
import { DatasetImportError, HUB_ENDPOINT, httpRangeBuffer, listHubParquetSplits, sniffParquet, validateHubRepo, type ParquetSniff } from '../../data/importers';
import { getSetting, setSetting } from '../../store/repos/settings';

export const HUB_ENDPOINT_SETTING = 'hub.endpoint';

export interface HubAccessOptions {
  endpoint?: string;
  token?: string;
}

export interface HubSubset {
  name: string;
  splits: { name: string; files: string[] }[];
}

export interface HubLookup {
  repo: string;
  subsets: HubSubset[];
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** The Hub address imports use (a mirror or a local test server may stand in for huggingface.co). */
export function hubEndpoint(): Promise<string> {
  return getSetting(HUB_ENDPOINT_SETTING, HUB_ENDPOINT, isString);
}

/** Checks an endpoint: an http(s) address without a trailing slash. */
export function normalizeEndpoint(value: string): string {
  const trimmed = value.trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new DatasetImportError('invalid-option', `"${value}" is not a web address.`, `Enter an address such as ${HUB_ENDPOINT}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DatasetImportError('invalid-option', `"${value}" is not an http(s) address.`, `Enter an address such as ${HUB_ENDPOINT}.`);
  }
  return trimmed;
}

export async function setHubEndpoint(value: string): Promise<string> {
  const endpoint = normalizeEndpoint(value);
  await setSetting(HUB_ENDPOINT_SETTING, endpoint);
  return endpoint;
}

function access(options: HubAccessOptions): { endpoint?: string; token?: string } {
  const out: { endpoint?: string; token?: string } = {};
  if (options.endpoint) out.endpoint = normalizeEndpoint(options.endpoint);
  if (options.token) out.token = options.token;
  return out;
}

/** Subsets and splits of a Hub dataset, with their parquet shards. */
export async function lookupHubDataset(repo: string, options: HubAccessOptions = {}): Promise<HubLookup> {
  const id = validateHubRepo(repo);
  const listing = await listHubParquetSplits(id, access(options));
  const subsets = Object.entries(listing).map(([name, splits]) => ({ name, splits: Object.entries(splits).map(([split, files]) => ({ name: split, files })) }));
  if (subsets.length === 0 || subsets.every((s) => s.splits.length === 0)) {
    throw new DatasetImportError('not-found', `The Hub lists no parquet files for ${id}.`, 'The dataset may still be converting, or have no data; try another one.');
  }
  return { repo: id, subsets };
}

/** Columns of a split (text columns marked, a suggestion, the first values) from its first shard. */
export async function inspectHubSplit(files: readonly string[], options: HubAccessOptions = {}): Promise<ParquetSniff> {
  const first = files[0];
  if (first === undefined) throw new DatasetImportError('not-found', 'This split has no parquet files.', 'Choose another split.');
  const headers = options.token ? { Authorization: `Bearer ${options.token}` } : undefined;
  const file = await httpRangeBuffer(first, headers ? { headers } : {});
  return sniffParquet(file, { samples: 5, footerFetchBytes: 64 * 1024 });
}
