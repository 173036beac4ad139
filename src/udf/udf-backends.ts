import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import type { UdfProgram } from './function-definition.ts';
import { globalMap } from '../util/global-map.ts';
import type { UdfBackendFactory } from './udf-backend.ts';

type Language = UdfProgram['language'];

/** On globalThis: every copy of this module (it may be loaded more than once) must see the same factories. */
const registry = globalMap<Language, UdfBackendFactory>('weir.udf.backends');

/** Registers (or replaces) the backend of a language. Safe to call from several modules and repeatedly. */
export function registerUdfBackend(factory: UdfBackendFactory): void {
  registry.set(factory.language, factory);
}

/** The backend factory of a language; PLAN_INVALID naming the registered languages when there is none. */
export function udfBackend(language: Language): UdfBackendFactory {
  const factory = registry.get(language);
  if (!factory) {
    throw new PlanError(`No UDF backend is registered for language '${language}' (registered: ${[...registry.keys()].join(', ') || 'none'})`, {
      hint: language === 'typescript' ? "Import 'src/udf/ts' (the TypeScript UDF host) before running the job." : undefined,
    }, ErrorCodes.NOT_SUPPORTED);
  }
  return factory;
}

/** True when a backend is registered for the language. */
export function hasUdfBackend(language: Language): boolean {
  return registry.has(language);
}

/**
 * Both built-in backends are registered lazily: the zeromq native addon, the Python worker code and the TS worker
 * pool load on the first `open`, so a job pays only for the languages it uses. Dynamic imports also keep this
 * module free of import cycles with src/udf/ts/register.ts, which registers its factory eagerly (replacing the lazy
 * one with the same code).
 */
if (!registry.has('python')) {
  registerUdfBackend({
    language: 'python',
    open: async (program, ctx) => (await import('./python/python-backend.ts')).pythonBackendFactory.open(program, ctx),
  });
}
if (!registry.has('typescript')) {
  registerUdfBackend({
    language: 'typescript',
    open: async (program, ctx) => (await import('./ts/ts-backend.ts')).tsUdfBackendFactory.open(program, ctx),
  });
}
