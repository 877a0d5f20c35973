// Where a dataset's and a tokenization's bytes live in the BlobStore. Everything of one dataset sits under
// its own folders, so deleting it is deleting those prefixes.
import { blobKey } from '../../store/blob-key';

/** documents of a dataset, in parts */
export function documentsPrefix(datasetId: string): string {
  return `${blobKey('datasets', datasetId)}/`;
}

export function documentPartKey(datasetId: string, part: number): string {
  return blobKey('datasets', datasetId, 'docs', `${String(part).padStart(6, '0')}.midp`);
}

/**
 * A local file copied into the store before its import job is queued: the job reads it from there, so the
 * import survives a reload and resumes without asking for the file again. Its folder is a fresh id, not the
 * dataset's: the dataset is recorded only once the copy is complete, so a page closed mid-copy leaves no
 * dataset behind (and the BlobStore's unfinished write is only a temporary). Removed once the import is done.
 */
export function uploadKey(uploadId: string, fileName: string): string {
  return blobKey('uploads', uploadId, fileName);
}

export function tokenizationPrefix(tokenizationId: string): string {
  return `${blobKey('tokenizations', tokenizationId)}/`;
}

export function windowPartKey(tokenizationId: string, part: number): string {
  return blobKey('tokenizations', tokenizationId, 'windows', `${String(part).padStart(6, '0')}.mitw`);
}
