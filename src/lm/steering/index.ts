// Steering and splicing: steering vectors, run plans, SAE splice graphs and next-token distribution maths.
export * from './distribution';
export * from './plan';
export * from './steering-vector';
