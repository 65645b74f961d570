/**
 * Kept only for packages/core/src/training-class/completion.ts, which imports ensureEmploymentChecks
 * from here: repoint it to '../employment/ensure.ts' (or '../employment/index.ts') and delete this file.
 */
export { ensureEmploymentChecks } from './ensure.ts';
