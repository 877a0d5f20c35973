// A local stand-in for the Hugging Face Hub: serves a folder laid out as
//   ROOT/models/{owner}/{name}/…  and  ROOT/datasets/{owner}/{name}/…
// with the Hub's JSON API (repo info, file tree, a dataset's parquet listing) and file downloads (`resolve`)
// with Range, ETag and CORS.
// Plain Node (no dependencies) so Playwright's webServer can start it: `node scripts/hub-server.mjs --port 5183`.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_HUB_ROOT = join(REPO_ROOT, 'test/fixtures/hub');
export const DEFAULT_HUB_PORT = 5183;

// Files the Hub keeps in LFS (and reports with an `lfs` block and a sha256 ETag).
const LFS_EXTENSIONS = /\.(onnx|onnx_data|onnx\.data|data|bin|safetensors|parquet|pt|npz|h5|msgpack|gguf)$/;
const CONTENT_TYPES = {
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.jsonl': 'application/jsonl',
  '.csv': 'text/csv; charset=utf-8',
};
const EXPOSED_HEADERS = [
  'Content-Range',
  'Content-Length',
  'Content-Type',
  'ETag',
  'Accept-Ranges',
  'Link',
  'X-Repo-Commit',
  'X-Error-Code',
  'X-Error-Message',
  'X-Linked-Size',
  'X-Linked-Etag',
].join(', ');

/**
 * @typedef {object} HubServerOptions
 * @property {string} [root] Folder in the Hub layout (default: test/fixtures/hub).
 * @property {number} [port] 0 picks a free port (default 0).
 * @property {string} [host] Default 127.0.0.1.
 * @property {string} [token] When set, every request must send `Authorization: Bearer <token>` (like a gated repo).
 * @property {number} [pageSize] Tree entries per page before a `Link: rel="next"` header (default 1000, as the Hub).
 * @property {number} [interruptAfterBytes] Cut every file body after this many bytes (to test resumed downloads).
 */

/**
 * Starts the server. Resolves once it listens.
 * @param {HubServerOptions} [options]
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startHubServer(options = {}) {
  const root = resolve(options.root ?? DEFAULT_HUB_ROOT);
  const host = options.host ?? '127.0.0.1';
  const pageSize = options.pageSize ?? 1000;
  const hashes = new Map();

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) sendError(res, 500, 'InternalError', error instanceof Error ? error.message : String(error));
      else res.destroy();
    });
  });

  async function handle(req, res) {
    setCommonHeaders(res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Range, If-Range, If-None-Match, Content-Type',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'MethodNotAllowed', `${req.method} is not supported`);
    const url = new URL(req.url ?? '/', 'http://hub.local');
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments.some((s) => s === '..' || s === '.' || s.includes('\\'))) return sendError(res, 400, 'BadRequest', 'Invalid path');
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      return sendError(res, 401, 'GatedRepo', 'Access to this repository is restricted: a valid token is required.');
    }
    if (segments[0] === 'api' && segments[1] === 'whoami-v2') return sendJson(res, req, { type: 'user', name: 'local-hub-user' });
    if (segments[0] === 'api' && (segments[1] === 'models' || segments[1] === 'datasets')) {
      return api(req, res, segments[1], segments.slice(2), url);
    }
    const kind = segments[0] === 'datasets' ? 'datasets' : 'models';
    const rest = kind === 'datasets' ? segments.slice(1) : segments;
    if (rest.length >= 5 && rest[2] === 'resolve') {
      return resolveFile(req, res, kind, `${rest[0]}/${rest[1]}`, rest[3], rest.slice(4).join('/'));
    }
    return sendError(res, 404, 'NotFound', `No route for ${url.pathname}`);
  }

  async function api(req, res, kind, segments, url) {
    const [owner, name, action, rev, ...pathParts] = segments;
    if (!owner || !name) return sendError(res, 400, 'BadRequest', 'Expected /api/{type}/{owner}/{name}');
    const id = `${owner}/${name}`;
    const repo = await loadRepo(kind, id);
    if (!repo) return sendError(res, 404, 'RepoNotFound', `Repository not found: ${id}`);
    if (action === undefined || action === 'revision') {
      if (action === 'revision' && !revisionMatches(repo, rev)) return revisionNotFound(res, rev);
      return sendJson(res, req, repoInfo(kind, repo));
    }
    if (action === 'tree') {
      if (!revisionMatches(repo, rev)) return revisionNotFound(res, rev);
      return sendTree(req, res, repo, pathParts.join('/'), url);
    }
    if (action === 'parquet' && kind === 'datasets') {
      return sendParquet(req, res, repo, rev === undefined ? [] : [rev, ...pathParts]);
    }
    return sendError(res, 404, 'NotFound', `Unknown endpoint ${action}`);
  }

  // The Hub's parquet listing (datasets only): /api/datasets/{id}/parquet[/{config}[/{split}[/{n}.parquet]]].
  // Here the shards are the repository's own files laid out as on the Hub's converted branch,
  // {config}/{split}/{nnnn}.parquet; a shard URL redirects to that file on main, as the Hub redirects to
  // refs/convert/parquet.
  function sendParquet(req, res, repo, parts) {
    const listing = {};
    for (const file of repo.files) {
      const match = /^([^/]+)\/([^/]+)\/(\d+)\.parquet$/.exec(file.path);
      if (!match) continue;
      const [, config, split] = match;
      ((listing[config] ??= {})[split] ??= []).push(file.path);
    }
    const origin = `http://${req.headers.host}`;
    const shardUrl = (config, split, n) => `${origin}/api/datasets/${repo.id}/parquet/${encodeURIComponent(config)}/${encodeURIComponent(split)}/${n}.parquet`;
    const [config, split, shard] = parts;
    if (config === undefined) {
      const body = {};
      for (const [c, splits] of Object.entries(listing)) {
        body[c] = {};
        for (const [s, paths] of Object.entries(splits)) body[c][s] = paths.map((_, n) => shardUrl(c, s, n));
      }
      return sendJson(res, req, body);
    }
    const splits = listing[config];
    if (!splits) return sendError(res, 404, 'NotFound', `No parquet files for config ${config}`);
    if (split === undefined) {
      const body = {};
      for (const [s, paths] of Object.entries(splits)) body[s] = paths.map((_, n) => shardUrl(config, s, n));
      return sendJson(res, req, body);
    }
    const paths = splits[split];
    if (!paths) return sendError(res, 404, 'NotFound', `No parquet files for split ${split} of config ${config}`);
    if (shard === undefined) return sendJson(res, req, paths.map((_, n) => shardUrl(config, split, n)));
    const n = /^(\d+)\.parquet$/.exec(shard);
    const path = n ? paths[Number(n[1])] : undefined;
    if (!path) return sendError(res, 404, 'EntryNotFound', `No shard ${shard} in ${config}/${split}`);
    res.writeHead(302, { Location: `${origin}/datasets/${repo.id}/resolve/main/${path.split('/').map(encodeURIComponent).join('/')}`, 'Content-Length': '0' });
    res.end();
  }

  function revisionNotFound(res, rev) {
    return sendError(res, 404, 'RevisionNotFound', `Invalid rev id: ${rev ?? ''}`);
  }

  /** All files of a repository with sizes and hashes; null when the repo folder does not exist. */
  async function loadRepo(kind, id) {
    const dir = join(root, kind, ...id.split('/'));
    if (!dir.startsWith(root + sep)) return null;
    let info;
    try {
      info = await stat(dir);
    } catch {
      return null;
    }
    if (!info.isDirectory()) return null;
    const files = [];
    for (const path of await walk(dir)) {
      const full = join(dir, ...path.split('/'));
      const fileInfo = await stat(full);
      const hash = await fileHashes(full, fileInfo);
      files.push({ path, full, size: fileInfo.size, mtime: fileInfo.mtimeMs, ...hash, lfs: LFS_EXTENSIONS.test(path) });
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const sha = createHash('sha1').update(files.map((f) => `${f.path}\0${f.oid}`).join('\n')).digest('hex');
    const lastModified = new Date(Math.max(0, ...files.map((f) => f.mtime))).toISOString();
    return { id, dir, files, sha, lastModified };
  }

  async function fileHashes(full, info) {
    const key = `${full}:${info.size}:${info.mtimeMs}`;
    const cached = hashes.get(key);
    if (cached) return cached;
    const bytes = await readFile(full);
    const oid = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const value = { oid, sha256 };
    hashes.set(key, value);
    return value;
  }

  function revisionMatches(repo, rev) {
    return rev === 'main' || rev === repo.sha;
  }

  function repoInfo(kind, repo) {
    const [author] = repo.id.split('/');
    const info = {
      _id: repo.sha.slice(0, 24),
      id: repo.id,
      author,
      sha: repo.sha,
      lastModified: repo.lastModified,
      createdAt: repo.lastModified,
      private: false,
      disabled: false,
      gated: options.token !== undefined ? 'manual' : false,
      downloads: 0,
      likes: 0,
      tags: kind === 'models' ? ['onnx', 'transformers.js'] : [],
      siblings: repo.files.map((f) => ({
        rfilename: f.path,
        size: f.size,
        blobId: f.oid,
        ...(f.lfs ? { lfs: { sha256: f.sha256, size: f.size, pointerSize: 134 } } : {}),
      })),
      usedStorage: repo.files.reduce((sum, f) => sum + f.size, 0),
    };
    return kind === 'models' ? { ...info, modelId: repo.id, library_name: 'transformers.js', pipeline_tag: 'text-generation' } : info;
  }

  function sendTree(req, res, repo, folder, url) {
    const recursive = url.searchParams.get('recursive') === 'true' || url.searchParams.get('recursive') === '1';
    const prefix = folder === '' ? '' : `${folder}/`;
    const entries = [];
    const directories = new Set();
    for (const file of repo.files) {
      if (!file.path.startsWith(prefix)) continue;
      const rest = file.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) {
        // List every directory level under `folder` (only the first when not recursive).
        const parts = rest.split('/');
        for (let depth = 1; depth < parts.length && (recursive || depth === 1); depth++) {
          directories.add(prefix + parts.slice(0, depth).join('/'));
        }
        if (!recursive) continue;
      }
      entries.push({
        type: 'file',
        oid: file.oid,
        size: file.size,
        path: file.path,
        ...(file.lfs ? { lfs: { oid: file.sha256, size: file.size, pointerSize: 134 } } : {}),
      });
    }
    if (folder !== '' && entries.length === 0 && directories.size === 0) {
      return sendError(res, 404, 'EntryNotFound', `${folder} does not exist on "main"`);
    }
    for (const path of directories) {
      const oid = createHash('sha1').update(`tree ${repo.sha} ${path}`).digest('hex');
      entries.push({ type: 'directory', oid, size: 0, path });
    }
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const start = Number(url.searchParams.get('cursor') ?? '0') || 0;
    const page = entries.slice(start, start + pageSize);
    if (start + pageSize < entries.length) {
      const next = new URL(url.pathname + url.search, `http://${req.headers.host}`);
      next.searchParams.set('cursor', String(start + pageSize));
      res.setHeader('Link', `<${next.href}>; rel="next"`);
    }
    return sendJson(res, req, page);
  }

  async function resolveFile(req, res, kind, id, rev, path) {
    const repo = await loadRepo(kind, id);
    if (!repo) return sendError(res, 404, 'RepoNotFound', `Repository not found: ${id}`);
    if (!revisionMatches(repo, rev)) return revisionNotFound(res, rev);
    const file = repo.files.find((f) => f.path === path);
    if (!file) return sendError(res, 404, 'EntryNotFound', `${path} does not exist on "${rev}"`);
    const etag = `"${file.lfs ? file.sha256 : file.oid}"`;
    res.setHeader('ETag', etag);
    res.setHeader('X-Repo-Commit', repo.sha);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', contentType(path));
    if (file.lfs) {
      res.setHeader('X-Linked-Size', String(file.size));
      res.setHeader('X-Linked-Etag', etag);
    }
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304);
      res.end();
      return;
    }
    let start = 0;
    let end = file.size - 1;
    let status = 200;
    const range = req.headers.range;
    const ifRange = req.headers['if-range'];
    if (range && (ifRange === undefined || ifRange === etag)) {
      const parsed = parseRange(range, file.size);
      if (parsed === 'unsatisfiable') {
        res.writeHead(416, { 'Content-Range': `bytes */${file.size}`, 'Content-Length': '0' });
        res.end();
        return;
      }
      if (parsed) {
        [start, end] = parsed;
        status = 206;
        res.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
      }
    }
    const length = end - start + 1;
    res.writeHead(status, { 'Content-Length': String(length) });
    if (req.method === 'HEAD' || length === 0) {
      res.end();
      return;
    }
    const limit = options.interruptAfterBytes;
    if (limit !== undefined && limit < length) {
      // Send a prefix, then drop the connection as a flaky network would.
      const stream = createReadStream(file.full, { start, end: start + limit - 1 });
      stream.on('data', (chunk) => res.write(chunk));
      stream.on('end', () => setTimeout(() => res.destroy(), 20));
      return;
    }
    createReadStream(file.full, { start, end }).pipe(res);
  }

  await new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, host, () => resolveListen(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose(undefined));
      }),
  };
}

/** One `bytes=` range → [start, end] inclusive; null to ignore (malformed or multi-range); 'unsatisfiable'. */
function parseRange(header, size) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, from, to] = match;
  if (from === '' && to === '') return null;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(from);
  if (start >= size) return 'unsatisfiable';
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  return end < start ? null : [start, end];
}

async function walk(dir, base = dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full, base)));
    else if (entry.isFile()) out.push(relative(base, full).split(sep).join('/'));
  }
  return out;
}

function contentType(path) {
  const dot = path.lastIndexOf('.');
  return CONTENT_TYPES[dot >= 0 ? path.slice(dot) : ''] ?? 'application/octet-stream';
}

function setCommonHeaders(res) {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  // The studio page is cross-origin isolated (COEP require-corp): it may only load resources that opt in.
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
}

function sendJson(res, req, value) {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendError(res, status, code, message) {
  const body = Buffer.from(JSON.stringify({ error: message }));
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
    'X-Error-Code': code,
    'X-Error-Message': message,
  });
  res.end(body);
}

function parseArgs(argv) {
  const args = { root: process.env.HUB_ROOT, port: process.env.HUB_PORT, host: process.env.HUB_HOST };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]?.replace(/^--/, '');
    if (key === 'root' || key === 'port' || key === 'host' || key === 'token') args[key] = argv[++i];
  }
  return args;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = parseArgs(process.argv.slice(2));
  const hub = await startHubServer({
    root: args.root ? resolve(args.root) : DEFAULT_HUB_ROOT,
    port: args.port ? Number(args.port) : DEFAULT_HUB_PORT,
    ...(args.host ? { host: args.host } : {}),
    ...(args.token ? { token: args.token } : {}),
  });
  console.log(`hub server listening on ${hub.url} (root ${args.root ?? DEFAULT_HUB_ROOT})`);
  const stop = () => hub.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
