export * from './id.ts';
export * from './schema.ts';
export * from './rules.ts';
