// The CPU float64 reference of SAE_SPEC.md: building blocks (CPU twins for GPU kernels) and the trainer.
export * from './adam';
export * from './backward';
export * from './counters';
export * from './decoder';
export * from './forward';
export * from './grad-clip';
export * from './loss';
export * from './metrics';
export * from './params';
export * from './select';
export * from './state';
export * from './trainer';
