// Steering and splicing: steering vectors, run plans, SAE splice graphs, the steered and spliced model
// runners, ablation, and next-token distribution maths.
export * from './ablation';
export * from './distribution';
export * from './encode-row';
export * from './ort-sessions';
export * from './plan';
export * from './sae-graph';
export * from './spliced-lm';
export * from './steered-lm';
export * from './steering-vector';
