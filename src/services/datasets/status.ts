// What a dataset or tokenization shows as its status: its own row says pending/running/ready/failed, its
// latest job says whether that work is queued, paused, interrupted or was cancelled.
import type { AssetStatus } from '../../domain/entities';
import type { JobRecord } from '../../domain/job';

export type AssetDisplayStatus = 'queued' | 'running' | 'paused' | 'interrupted' | 'ready' | 'failed' | 'cancelled';

export function assetDisplayStatus(status: AssetStatus, latestJob: Pick<JobRecord, 'status'> | undefined): AssetDisplayStatus {
  if (status === 'ready') return 'ready';
  switch (latestJob?.status) {
    case 'queued':
      return 'queued';
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    case 'interrupted':
      return 'interrupted';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return 'failed';
    default:
      return status === 'pending' ? 'queued' : status;
  }
}

/** CSS class of the job status pill that has the same meaning. */
export function displayStatusClass(status: AssetDisplayStatus): string {
  return `status status-${status === 'ready' ? 'completed' : status}`;
}
