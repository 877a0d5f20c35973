export * from './recovery';
export * from './superposition';
