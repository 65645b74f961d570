import { DomainError } from './errors';

/** For tests: the DomainError `fn` throws (anything else thrown, or nothing, fails the test). */
export function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}
