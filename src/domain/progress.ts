// Rate and time-left estimates for a job's progress, smoothed so that the ETA does not jump around
// with every uneven step. Pure: the caller keeps the returned state and passes it back with the next sample.

export interface ProgressSample {
  done: number;
  /** 0 or less when the total is unknown */
  total: number;
  /** milliseconds, e.g. performance.now() or Date.now() */
  at: number;
}

export interface RateEstimate {
  /** units of `done` per second, smoothed */
  rate: number;
  /** seconds until done = total; null when unknown (no total, no rate yet) */
  etaSeconds: number | null;
  /** pass back with the next sample */
  state: RateState;
}

export interface RateState {
  done: number;
  at: number;
  rate: number;
  /** whether `rate` holds a measurement yet */
  measured: boolean;
}

/**
 * Exponential smoothing weighted by elapsed time: a sample `dt` after the last one moves the estimate
 * by 1 - exp(-dt / timeConstant), so bursts of quick reports count no more than one slow report.
 */
export function estimateRate(previous: RateState | undefined, sample: ProgressSample, timeConstantSeconds = 5): RateEstimate {
  if (!previous) return withEta({ done: sample.done, at: sample.at, rate: 0, measured: false }, sample);
  const dt = (sample.at - previous.at) / 1000;
  const delta = sample.done - previous.done;
  // no time passed: nothing to measure yet, keep the baseline so the next sample counts these units too
  if (dt <= 0) return withEta(previous, sample);
  // the counter went backwards (a restarted phase): keep the rate, restart the baseline
  if (delta < 0) return withEta({ ...previous, done: sample.done, at: sample.at }, sample);
  const instant = delta / dt;
  const alpha = 1 - Math.exp(-dt / timeConstantSeconds);
  const rate = previous.measured ? previous.rate + alpha * (instant - previous.rate) : instant;
  return withEta({ done: sample.done, at: sample.at, rate, measured: true }, sample);
}

function withEta(state: RateState, sample: ProgressSample): RateEstimate {
  const remaining = sample.total - sample.done;
  let etaSeconds: number | null = null;
  if (sample.total > 0 && remaining <= 0) etaSeconds = 0;
  else if (sample.total > 0 && state.measured && state.rate > 0) etaSeconds = remaining / state.rate;
  return { rate: state.rate, etaSeconds, state };
}
