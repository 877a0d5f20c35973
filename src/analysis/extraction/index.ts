// Feature extraction as a job runs it: settings, the plan of passes and batches, progress units, token rows
// of a model run, example records, feature rows, the per-latent details blob, and the engines (GPU, CPU).
export * from './cache-rows';
export * from './cpu-engine';
export * from './details-codec';
export * from './engine';
export * from './examples';
export * from './feature-rows';
export * from './plan';
export * from './progress';
export * from './resume-codec';
export * from './settings';
export * from './token-rows';
export * from './window-lengths';
