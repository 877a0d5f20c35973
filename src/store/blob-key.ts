// Blob keys are relative paths like `models/<id>/model.onnx`. Each segment is a safe file name on every
// backend (OPFS directory entries, IndexedDB keys), so a key never escapes its folder or hides as `.tmp`.
import { InvalidBlobKeyError } from './errors';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._+=@-]*$/;
const MAX_SEGMENT = 200;
const MAX_KEY = 1024;

/** Returns the key's path segments, or throws InvalidBlobKeyError saying what is wrong. */
export function validateBlobKey(key: string): string[] {
  if (key.length === 0) throw new InvalidBlobKeyError(key, 'it is empty');
  if (key.length > MAX_KEY) throw new InvalidBlobKeyError(key, `it is longer than ${MAX_KEY} characters`);
  const segments = key.split('/');
  for (const s of segments) {
    if (s === '') throw new InvalidBlobKeyError(key, 'it has an empty folder name (a leading, trailing or double "/")');
    if (s.length > MAX_SEGMENT) throw new InvalidBlobKeyError(key, `the name "${s.slice(0, 20)}…" is longer than ${MAX_SEGMENT} characters`);
    if (!SEGMENT.test(s)) {
      throw new InvalidBlobKeyError(key, `"${s}" may use only letters, digits and . _ + = @ - and must not start with . or -`);
    }
  }
  return segments;
}

/** Turns any name (e.g. a user's file name) into a valid key segment. */
export function sanitizeKeySegment(name: string): string {
  const cleaned = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._+=@-]+/g, '_')
    .replace(/^[.-]+/, '_')
    .slice(0, MAX_SEGMENT);
  return cleaned === '' ? '_' : cleaned;
}

/** Joins segments into a key, sanitising each one. */
export function blobKey(...segments: string[]): string {
  return segments.map(sanitizeKeySegment).join('/');
}

/** Checks a list prefix: empty, or a key-like path that may end in "/". */
export function validateKeyPrefix(prefix: string): void {
  if (prefix === '') return;
  validateBlobKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
