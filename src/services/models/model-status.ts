// Moves a model row along the asset status machine by the shortest legal path (failed → pending → running
// → ready), so a resumed or retried step does not need to know where the last run left the row.
import type { AssetStatus, ModelRecord } from '../../domain/entities';
import { ASSET_STATUS } from '../../domain/status';
import type { RecordPatch } from '../../store/repository';
import { modelRepo, setModelStatus } from '../../store/repos/models';

function pathTo(from: AssetStatus, to: AssetStatus): AssetStatus[] | undefined {
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

/** The row after moving it to `to` (patch applied with the last step); unchanged status just applies the patch. */
export async function moveModelTo(id: string, to: AssetStatus, patch: RecordPatch<ModelRecord> = {}): Promise<ModelRecord> {
  const current = await modelRepo.require(id);
  if (current.status === to) return modelRepo.update(id, patch);
  const path = pathTo(current.status, to);
  if (!path) throw new Error(`A ${current.status} model cannot become ${to}.`);
  let row = current;
  for (const [i, status] of path.entries()) row = await setModelStatus(id, status, i === path.length - 1 ? patch : {});
  return row;
}
