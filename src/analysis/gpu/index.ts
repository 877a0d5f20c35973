// GPU drivers of the feature-analysis kernels (shaders/feature_*.wgsl); CPU twins in ../.
export * from './context-gather-gpu';
export * from './feature-encoder';
export * from './feature-gpu-error';
export * from './feature-stats-gpu';
export * from './logit-effects-gpu';
export * from './quantile-sampler-gpu';
