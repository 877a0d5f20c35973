// Template use-cases: one service per kind, seeding of the built-ins, and the errors they raise.
export * from './errors';
export * from './extraction';
export * from './seed';
export * from './service';
export * from './training';
