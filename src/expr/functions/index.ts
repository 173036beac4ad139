/**
 * Loads every built-in into the registry (each module registers its functions on import) and exposes the names.
 */
import './arithmetic.ts';
import './comparison.ts';
import './logical.ts';
import './conditional.ts';
import './strings.ts';
import './patterns.ts';
import './math.ts';
import './datetime.ts';
import './collections.ts';
import { registeredNames } from './registry.ts';

export { registerFunction, lookupBuiltin, type BuiltinFunction, type ArgInfo, type Inferred, type KernelContext, type Kernel } from './registry.ts';

/** Every built-in function and operator name, upper case and sorted, for SHOW FUNCTIONS. */
export function functionNames(): string[] {
  return registeredNames();
}
