// Repository references: "owner/name", or a pasted Hub URL, checked before any request is made.
import { HubError } from './hub-error';

export type RepoType = 'model' | 'dataset';

export interface RepoRef {
  type: RepoType;
  /** "owner/name" */
  id: string;
}

// The Hub's rule for each part: letters, digits, '-', '_', '.', not starting or ending with '-' or '.', ≤ 96 chars.
const PART = /^(?![.-])[A-Za-z0-9._-]{1,96}(?<![.-])$/;

export function isValidRepoId(id: string): boolean {
  const parts = id.split('/');
  return parts.length === 2 && parts.every((p) => PART.test(p) && !p.includes('--') && !p.includes('..'));
}

/**
 * Reads what a person typed or pasted: "owner/name", "datasets/owner/name", or a Hub URL such as
 * https://huggingface.co/owner/name/tree/main. `type` is the default when the text does not say.
 */
export function parseRepoRef(text: string, type: RepoType = 'model'): RepoRef {
  let path = text.trim();
  const url = /^https?:\/\/[^/]+\/(.*)$/.exec(path);
  if (url) path = url[1] ?? '';
  let segments = path.split(/[?#]/)[0]?.split('/').filter(Boolean) ?? [];
  let resolvedType = type;
  if (segments[0] === 'datasets' || segments[0] === 'models') {
    resolvedType = segments[0] === 'datasets' ? 'dataset' : 'model';
    segments = segments.slice(1);
  }
  const id = segments.slice(0, 2).join('/');
  if (!isValidRepoId(id)) {
    throw new HubError('repo-not-found', `"${text.trim()}" is not a Hub repository name; expected owner/name, e.g. Xenova/gpt2.`);
  }
  return { type: resolvedType, id };
}
