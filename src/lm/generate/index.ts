// Text generation, pure: settings, sampling, stop sequences and the token loop over any next-token model.
export * from './generate';
export * from './params';
export * from './sampling';
export * from './stop-sequences';
