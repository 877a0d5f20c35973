// Adding a model from the Hugging Face Hub (or the mirror the Hub address setting names): list a
// repository's ONNX variants with their sizes, then queue a download of the chosen one with config.json
// and the tokenizer files, pinned to the commit the listing saw.
import type { JobRecord } from '../../domain/job';
import type { ModelRecord } from '../../domain/entities';
import { classifyOnnxFiles, createHubClient, HubError, parseRepoRef, type OnnxVariant, type RepoFile } from '../../lm/hub';
import type { DownloadFileSpec, DownloadModelParams } from '../../jobs/handlers/downloadModel';
import { modelRepo } from '../../store/repos/models';
import { hubEndpoint, normalizeEndpoint } from '../datasets/hub';
import { enqueueJob } from '../jobs';

export interface HubModelRequest {
  /** owner/name or a Hub URL */
  repo: string;
  /** branch, tag or commit; default main */
  revision?: string;
  token?: string;
  /** default: the Hub address setting */
  endpoint?: string;
}

export interface HubModelListing {
  repo: string;
  revision: string;
  /** the commit `revision` pointed at when listed: downloads are pinned to it */
  sha: string;
  endpoint: string;
  variants: OnnxVariant[];
  /** the companion files found at the repository root */
  companions: { path: string; role: DownloadFileSpec['role']; size: number | undefined }[];
  gated: string | false;
}

const COMPANIONS: [string, DownloadFileSpec['role']][] = [
  ['config.json', 'config'],
  ['tokenizer.json', 'tokenizer'],
  ['tokenizer_config.json', 'tokenizer-config'],
];

export async function listHubModel(request: HubModelRequest): Promise<HubModelListing> {
  const ref = parseRepoRef(request.repo, 'model');
  if (ref.type !== 'model') throw new HubError('repo-not-found', `${ref.id} is a dataset; add datasets on the Datasets page.`);
  const endpoint = request.endpoint ? normalizeEndpoint(request.endpoint) : await hubEndpoint();
  const token = request.token?.trim();
  const hub = createHubClient({ endpoint, ...(token ? { token } : {}) });
  const revision = request.revision?.trim() || 'main';
  const info = await hub.repoInfo(ref, revision);
  // the revision endpoint may leave sizes out; the tree listing has them
  let files: RepoFile[] = info.files;
  if (files.some((f) => f.path.endsWith('.onnx') && f.size === undefined)) files = await hub.listFiles(ref, { revision: info.sha });
  const variants = classifyOnnxFiles(files.filter((f) => f.path.includes('.onnx')).map((f) => ({ path: f.path, size: f.size ?? 0 })));
  if (variants.length === 0) {
    throw new HubError('file-not-found', `${ref.id} has no ONNX files. miStudio runs ONNX exports (e.g. Xenova/… or onnx-community/… repositories).`);
  }
  const companions = COMPANIONS.flatMap(([path, role]) => {
    const file = files.find((f) => f.path === path);
    return file ? [{ path, role, size: file.size }] : [];
  });
  return { repo: ref.id, revision, sha: info.sha, endpoint, variants, companions, gated: info.gated };
}

/** The variant a person most likely wants: full precision, no KV cache, the plain model file first. */
export function suggestedVariant(variants: readonly OnnxVariant[]): OnnxVariant | undefined {
  const score = (v: OnnxVariant) => (v.kvCache ? 100 : 0) + (v.dtype === 'fp32' ? 0 : v.dtype === 'fp16' ? 10 : 20) + (v.stem === 'model' ? 0 : v.stem === 'decoder_model' ? 1 : 5);
  return [...variants].sort((a, b) => score(a) - score(b))[0];
}

export async function startHubDownload(listing: HubModelListing, variant: OnnxVariant, token?: string): Promise<{ model: ModelRecord; job: JobRecord }> {
  const files: DownloadFileSpec[] = [
    { path: variant.path, role: 'model', size: variant.size },
    ...variant.externalData.map((f): DownloadFileSpec => ({ path: f.path, role: 'external-data', size: f.size })),
    ...listing.companions.map((c): DownloadFileSpec => ({ path: c.path, role: c.role, ...(c.size === undefined ? {} : { size: c.size }) })),
  ];
  const model = await modelRepo.create({
    name: `${listing.repo} · ${variant.path}`,
    source: { kind: 'hub', repo: listing.repo, revision: listing.sha, file: variant.path },
    status: 'pending',
    files: [],
  });
  const params: DownloadModelParams = {
    modelId: model.id,
    endpoint: listing.endpoint,
    repo: listing.repo,
    revision: listing.sha,
    files,
    ...(token?.trim() ? { token: token.trim() } : {}),
  };
  const job = await enqueueJob('download-model', `Download ${listing.repo} (${variant.path})`, params, { resumable: true, subjectId: model.id });
  return { model, job };
}
