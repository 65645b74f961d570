import { isDomainError } from '@vtc/domain';
import { UnrecoverableError } from 'bullmq';

/**
 * Rethrows a handler's error for BullMQ. A domain error is a rule the job's data breaks (the class no
 * longer takes enrollments, the file is gone or unreadable): a retry would fail the same way, so the
 * job fails at once. Anything else is rethrown as it is and retried. Domain error messages are the
 * bilingual rule texts, never row data, so they may stand in the job's failure reason.
 */
export function failFastOnDomainError(err: unknown): never {
  if (isDomainError(err)) throw new UnrecoverableError(`${err.code}: ${err.message}`);
  throw err;
}
