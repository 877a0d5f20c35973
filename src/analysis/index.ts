// Feature analysis: per-latent statistics, top-k and quantile-sampled examples, contexts, logit effects.
// Pure (CPU, Node-testable) here; the GPU kernels' drivers are in ./gpu.
export * from './context';
export * from './example-heap';
export * from './feature-accumulator';
export * from './feature-stats';
export * from './histogram';
export * from './logit-effects';
export * from './quantile-sampler';
export * from './reference-encode';
export * from './sample-priority';
export * from './token-batch';
export * from './token-filter';
