// A small Hugging Face Hub client on fetch: repo info, file listing with sizes, and resumable downloads.
// The endpoint is configurable so tests (and mirrors) can stand in for https://huggingface.co.
import { HubError } from './hub-error';
import type { RepoRef } from './repo-ref';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

export interface HubClientOptions {
  /** Default https://huggingface.co. */
  endpoint?: string;
  /** A Hub access token, for gated and private repositories. */
  token?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface RepoInfo {
  id: string;
  /** The commit the revision points at: pin downloads to it so files stay consistent. */
  sha: string;
  files: RepoFile[];
  /** Whether access must be requested on the Hub ('auto' / 'manual'), or false. */
  gated: string | false;
}

export interface RepoFile {
  path: string;
  /** Bytes; undefined when the Hub did not say. */
  size: number | undefined;
  /** sha256 of LFS files (what the Hub uses as their ETag). */
  lfsSha256?: string;
}

export interface DownloadOptions {
  revision?: string;
  /** Bytes already stored: the download continues from here (HTTP Range). */
  offset?: number;
  /** ETag of the stored bytes: if the file changed since, the server sends it whole (If-Range). */
  etag?: string;
  signal?: AbortSignal;
}

export interface FileDownload {
  /** The bytes from `offset` to the end of the file. Errors with HubError('interrupted') if the connection drops. */
  stream: ReadableStream<Uint8Array>;
  /** Where `stream` starts: the requested offset, or 0 when the server sent the whole file (drop stored bytes). */
  offset: number;
  /** Size of the whole file, when the server says. */
  totalSize: number | undefined;
  etag: string | undefined;
}

export interface HubClient {
  readonly endpoint: string;
  repoInfo(repo: RepoRef, revision?: string): Promise<RepoInfo>;
  listFiles(repo: RepoRef, options?: { revision?: string; folder?: string }): Promise<RepoFile[]>;
  resolveUrl(repo: RepoRef, path: string, revision?: string): string;
  download(repo: RepoRef, path: string, options?: DownloadOptions): Promise<FileDownload>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function repoPrefix(repo: RepoRef): string {
  return repo.type === 'dataset' ? 'datasets' : 'models';
}

export function createHubClient(options: HubClientOptions = {}): HubClient {
  const endpoint = (options.endpoint ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const authHeaders = (): Record<string, string> => (options.token ? { Authorization: `Bearer ${options.token}` } : {});

  async function request(url: string, what: string, repo: RepoRef, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetchImpl(url, { ...init, headers: { ...authHeaders(), ...(init.headers as Record<string, string> | undefined) } });
    } catch (cause) {
      if (init.signal?.aborted) throw cause;
      throw new HubError('network', `Could not reach ${endpoint} to fetch ${what}. Check the connection and try again.`, undefined, { cause });
    }
    if (response.ok || response.status === 416) return response;
    throw await errorFor(response, what, repo);
  }

  async function errorFor(response: Response, what: string, repo: RepoRef): Promise<HubError> {
    const code = response.headers.get('X-Error-Code') ?? '';
    const detail = response.headers.get('X-Error-Message') ?? (await response.text().catch(() => '')).slice(0, 200);
    const status = response.status;
    if (status === 401 || status === 403) {
      const how = options.token
        ? 'the token does not grant access; if the model is gated, accept its conditions on the Hub first'
        : 'add a Hub access token (and accept the model’s conditions on the Hub if it is gated)';
      return new HubError('unauthorized', `Access to ${repo.id} was refused: ${how}.`, status);
    }
    if (status === 404 && code === 'RevisionNotFound') {
      return new HubError('revision-not-found', `${repo.id} has no such branch, tag or commit.`, status);
    }
    if (status === 404 && code === 'EntryNotFound') {
      return new HubError('file-not-found', `${repo.id} has no file ${what}.`, status);
    }
    if (status === 404) {
      return new HubError('repo-not-found', `Repository ${repo.id} was not found (or it is private).`, status);
    }
    if (status === 429) {
      return new HubError('rate-limited', 'The Hub is rate-limiting requests; wait a minute and try again.', status);
    }
    return new HubError('http', `The Hub answered ${status} for ${what}${detail ? `: ${detail}` : ''}.`, status);
  }

  async function json(url: string, what: string, repo: RepoRef): Promise<{ body: unknown; response: Response }> {
    const response = await request(url, what, repo);
    try {
      return { body: await response.json(), response };
    } catch (cause) {
      throw new HubError('bad-response', `The Hub sent something that is not JSON for ${what}.`, response.status, { cause });
    }
  }

  function resolveUrl(repo: RepoRef, path: string, revision = 'main'): string {
    const prefix = repo.type === 'dataset' ? '/datasets' : '';
    return `${endpoint}${prefix}/${repo.id}/resolve/${encodeURIComponent(revision)}/${encodePath(path)}`;
  }

  return {
    endpoint,
    resolveUrl,

    async repoInfo(repo, revision = 'main') {
      const url = `${endpoint}/api/${repoPrefix(repo)}/${repo.id}/revision/${encodeURIComponent(revision)}?blobs=true`;
      const { body } = await json(url, `the details of ${repo.id}`, repo);
      if (!isRecord(body) || typeof body.sha !== 'string' || !Array.isArray(body.siblings)) {
        throw new HubError('bad-response', `The Hub's description of ${repo.id} is missing its commit or file list.`);
      }
      const files = body.siblings.filter(isRecord).map((s): RepoFile => {
        const lfs = isRecord(s.lfs) && typeof s.lfs.sha256 === 'string' ? s.lfs.sha256 : undefined;
        return { path: String(s.rfilename ?? ''), size: optionalNumber(s.size), ...(lfs ? { lfsSha256: lfs } : {}) };
      });
      const gated = typeof body.gated === 'string' ? body.gated : false;
      return { id: typeof body.id === 'string' ? body.id : repo.id, sha: body.sha, files, gated };
    },

    async listFiles(repo, { revision = 'main', folder = '' } = {}) {
      const folderPart = folder ? `/${encodePath(folder)}` : '';
      let url: string | undefined =
        `${endpoint}/api/${repoPrefix(repo)}/${repo.id}/tree/${encodeURIComponent(revision)}${folderPart}?recursive=true`;
      const files: RepoFile[] = [];
      // The tree endpoint pages its answer; the next page is in a Link: <…>; rel="next" header.
      for (let page = 0; url && page < 10_000; page++) {
        const { body, response }: { body: unknown; response: Response } = await json(url, `the file list of ${repo.id}`, repo);
        if (!Array.isArray(body)) throw new HubError('bad-response', `The Hub's file list for ${repo.id} is not a list.`);
        for (const entry of body) {
          if (!isRecord(entry) || entry.type !== 'file' || typeof entry.path !== 'string') continue;
          const lfs = isRecord(entry.lfs) && typeof entry.lfs.oid === 'string' ? entry.lfs.oid : undefined;
          files.push({ path: entry.path, size: optionalNumber(entry.size), ...(lfs ? { lfsSha256: lfs } : {}) });
        }
        url = nextLink(response.headers.get('Link'), url);
      }
      return files;
    },

    async download(repo, path, { revision = 'main', offset = 0, etag, signal } = {}) {
      const headers: Record<string, string> = {};
      if (offset > 0) {
        headers.Range = `bytes=${offset}-`;
        if (etag) headers['If-Range'] = etag;
      }
      const response = await request(resolveUrl(repo, path, revision), path, repo, { headers, ...(signal ? { signal } : {}) });
      const responseEtag = response.headers.get('X-Linked-Etag') ?? response.headers.get('ETag') ?? undefined;
      const contentRange = parseContentRange(response.headers.get('Content-Range'));
      if (response.status === 416) {
        // Nothing after `offset`: complete if the stored bytes are exactly the file, else they do not belong to it.
        if (contentRange?.total === offset) {
          return { stream: emptyStream(), offset, totalSize: offset, etag: responseEtag };
        }
        const message = `The stored part of ${path} is larger than the file on the Hub; download it again.`;
        throw new HubError('range-not-satisfiable', message, 416);
      }
      if (!response.body) throw new HubError('bad-response', `The Hub sent no content for ${path}.`, response.status);
      const length = optionalNumber(Number(response.headers.get('Content-Length') ?? Number.NaN));
      let start = 0;
      let totalSize = length;
      if (response.status === 206) {
        if (!contentRange || contentRange.start !== offset) {
          throw new HubError('bad-response', `The Hub sent the wrong part of ${path} when resuming at byte ${offset}.`, 206);
        }
        start = offset;
        totalSize = contentRange.total;
      }
      const expected = length ?? (totalSize === undefined ? undefined : totalSize - start);
      return { stream: guardedStream(response.body, path, start, expected, signal), offset: start, totalSize, etag: responseEtag };
    },
  };
}

function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match?.[1]) return new URL(match[1], base).href;
  }
  return undefined;
}

// Content-Range: "bytes START-END/TOTAL", or "bytes */TOTAL" in a 416 answer (start undefined).
function parseContentRange(header: string | null): { start: number | undefined; total: number | undefined } | undefined {
  const match = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  return {
    start: match[1] === undefined ? undefined : Number(match[1]),
    total: match[2] === '*' ? undefined : Number(match[2]),
  };
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}

/** Passes bytes through; a dropped connection or a short body becomes HubError('interrupted') saying where to resume. */
function guardedStream(
  body: ReadableStream<Uint8Array>,
  path: string,
  start: number,
  expected: number | undefined,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let received = 0;
  const interrupted = (cause?: unknown) =>
    new HubError('interrupted', `The download of ${path} stopped at byte ${start + received}; it can resume from there.`, undefined, { cause });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        // A cancelled download is not a failure to report as interrupted.
        controller.error(signal?.aborted ? signal.reason : interrupted(cause));
        return;
      }
      if (chunk.done) {
        if (expected !== undefined && received < expected) controller.error(interrupted());
        else controller.close();
        return;
      }
      received += chunk.value.byteLength;
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
