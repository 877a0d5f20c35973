// Moves an asset row (a model, an activation cache) along the asset status machine by the shortest legal
// path (failed → pending → running → ready), so a resumed or retried job need not know where the last run
// left the row.
import type { ActivationCacheRecord, AssetStatus, ModelRecord } from '../../domain/entities';
import { ASSET_STATUS } from '../../domain/status';
import type { RecordPatch, Repository } from '../../store/repository';
import { activationCacheRepo, setActivationCacheStatus } from '../../store/repos/activationCaches';
import { modelRepo, setModelStatus } from '../../store/repos/models';

export function assetStatusPath(from: AssetStatus, to: AssetStatus): AssetStatus[] | undefined {
  const previous = new Map<AssetStatus, AssetStatus>();
  const queue: AssetStatus[] = [from];
  while (queue.length > 0) {
    const at = queue.shift() as AssetStatus;
    if (at === to) {
      const path: AssetStatus[] = [];
      for (let s: AssetStatus | undefined = to; s !== undefined && s !== from; s = previous.get(s)) path.unshift(s);
      return path;
    }
    for (const next of ASSET_STATUS.transitions[at]) {
      if (next !== from && !previous.has(next)) {
        previous.set(next, at);
        queue.push(next);
      }
    }
  }
  return undefined;
}

async function moveTo<T extends ModelRecord | ActivationCacheRecord>(
  repo: Repository<T>,
  set: (id: string, to: AssetStatus, patch?: RecordPatch<T>) => Promise<T>,
  id: string,
  to: AssetStatus,
  patch: RecordPatch<T>,
): Promise<T> {
  const current = await repo.require(id);
  if (current.status === to) return repo.update(id, patch);
  const path = assetStatusPath(current.status, to);
  if (!path) throw new Error(`A ${current.status} ${repo.entity} cannot become ${to}.`);
  let row = current;
  for (const [i, status] of path.entries()) row = await set(id, status, i === path.length - 1 ? patch : {});
  return row;
}

/** The model row after moving it to `to` (the patch applied with the last step). */
export function moveModelTo(id: string, to: AssetStatus, patch: RecordPatch<ModelRecord> = {}): Promise<ModelRecord> {
  return moveTo(modelRepo, setModelStatus, id, to, patch);
}

export function moveCacheTo(id: string, to: AssetStatus, patch: RecordPatch<ActivationCacheRecord> = {}): Promise<ActivationCacheRecord> {
  return moveTo(activationCacheRepo, setActivationCacheStatus, id, to, patch);
}
