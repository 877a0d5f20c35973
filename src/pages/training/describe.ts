// Short texts about trainings and SAEs shared by the list and detail pages.
import type { ActivationSourceSpec, TrainingStatus } from '../../domain/entities';
import { ARCHITECTURE_LABELS } from '../../domain/templates';
import type { Architecture } from '../../sae/config';

export function describeSource(source: ActivationSourceSpec | undefined): string {
  if (!source) return '—';
  if (source.kind === 'synthetic') {
    const active = source.activeProb * source.features;
    return `Synthetic: ${source.features} features in ${source.dIn} dims, ~${Number(active.toPrecision(3))} active`;
  }
  return source.kind === 'cache' ? 'Cached activations' : `Model hook ${source.hook}`;
}

export function architectureLabel(a: Architecture): string {
  return ARCHITECTURE_LABELS[a];
}

export const STATUS_TEXT: Record<TrainingStatus, string> = {
  draft: 'draft',
  queued: 'queued',
  running: 'running',
  paused: 'paused',
  interrupted: 'interrupted',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function metricText(v: number | undefined, digits = 3): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : Number(v.toPrecision(digits)).toString();
}
