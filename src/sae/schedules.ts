import type { SaeConfig } from './config';

/** Learning rate at `step` (from 0): linear warm-up, then linear decay over the last lr_decay_steps. */
export function learningRate(cfg: SaeConfig, step: number): number {
  let f = cfg.lr_warmup_steps > 0 && step < cfg.lr_warmup_steps ? (step + 1) / cfg.lr_warmup_steps : 1;
  if (cfg.lr_decay_steps > 0 && step >= cfg.total_steps - cfg.lr_decay_steps) {
    f = Math.min(f, (cfg.total_steps - step) / cfg.lr_decay_steps);
  }
  return cfg.lr * f;
}

/** L1 warm-up weight at `step` (relu only). */
export function l1Weight(cfg: SaeConfig, step: number): number {
  const w = cfg.l1_warmup_steps ?? 0;
  return w > 0 ? Math.min(1, (step + 1) / w) : 1;
}
