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
 * A local file copied into the store before its import job starts: the job reads it from there, so the
 * import survives a reload and resumes without asking for the file again. Removed once the import is done.
 */
export function uploadsPrefix(datasetId: string): string {
  return `${blobKey('uploads', datasetId)}/`;
}

export function uploadKey(datasetId: string, fileName: string): string {
  return blobKey('uploads', datasetId, fileName);
}

export function tokenizationPrefix(tokenizationId: string): string {
  return `${blobKey('tokenizations', tokenizationId)}/`;
}

export function windowPartKey(tokenizationId: string, part: number): string {
  return blobKey('tokenizations', tokenizationId, 'windows', `${String(part).padStart(6, '0')}.mitw`);
}
