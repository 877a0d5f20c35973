// Templates, pure: validation, the export file, import planning, duplicate names and the built-in starters.
export * from './builtins';
export * from './document';
export * from './extraction';
export * from './import-plan';
export * from './kinds';
export * from './names';
export * from './problems';
export * from './prompt';
export * from './training';
