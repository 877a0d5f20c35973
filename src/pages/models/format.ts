// Small formatting helpers for the model pages.
import type { ModelRecord } from '../../domain/entities';

/** Bytes of the model's own files (graph, weights, config, tokenizer), without the stored analysis. */
export function modelBytes(model: Pick<ModelRecord, 'files'>): number {
  return model.files.filter((f) => f.role !== 'analysis').reduce((sum, f) => sum + f.bytes, 0);
}

/** 124M, 1.3B, 28.8K */
export function formatCount(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  if (n >= 1e9) return `${(n / 1e9).toFixed(n >= 1e10 ? 0 : 1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}K`;
  return String(n);
}

export function statusClass(status: ModelRecord['status']): string {
  return `status status-${status === 'ready' ? 'completed' : status}`;
}
