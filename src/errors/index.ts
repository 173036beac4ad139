export * from './weir-error.ts';
export * from './errors.ts';
export * from './serialize.ts';
