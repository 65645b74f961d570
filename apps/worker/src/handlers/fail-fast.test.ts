import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@vtc/domain';
import { UnrecoverableError } from 'bullmq';
import { failFastOnDomainError } from './fail-fast.ts';

describe('failFastOnDomainError', () => {
  it('turns a domain error into an UnrecoverableError with its code and English message', () => {
    const err = new DomainError('INVALID_TRANSITION', { zh: '培训班已开班', en: 'The class has started' });
    let thrown: unknown;
    try {
      failFastOnDomainError(err);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(UnrecoverableError);
    expect((thrown as Error).message).toBe('INVALID_TRANSITION: The class has started');
  });

  it('rethrows any other error unchanged, so BullMQ retries it', () => {
    const err = new Error('connection reset');
    expect(() => failFastOnDomainError(err)).toThrow(err);
    // An error that only looks like a domain error by name is not one.
    const lookalike = Object.assign(new Error('x'), { name: 'DomainError', code: 'NOT_FOUND' });
    expect(() => failFastOnDomainError(lookalike)).toThrow(lookalike);
  });
});
