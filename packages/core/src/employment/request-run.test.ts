import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { PrismaClient } from '@vtc/db';
import { DomainError } from '@vtc/domain';
import type { Actor } from '../shared/actor.ts';
import { requestEmploymentCheckRun } from './request-run.ts';

const officer: Actor = {
  userId: randomUUID(),
  username: 'officer',
  sessionId: null,
  roles: [{ role: 'BUREAU_OFFICER', regionCode: '141000', organizationId: null, personId: null, canViewIdNumbers: false }],
};
/** Refusals come before any database work: a client that is touched fails the test. */
const untouched = new Proxy({}, { get: () => { throw new Error('the database was used'); } }) as PrismaClient;

describe('requestEmploymentCheckRun', () => {
  it.each(['2026-12-08', '2027-06-07', '2099-01-01'])('refuses the future date %s, naming it and the field', async (runDate) => {
    const e = await requestEmploymentCheckRun(untouched, officer, { runDate }, '2026-12-07').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect([(e as DomainError).code, (e as DomainError).details?.['field']]).toEqual(['VALIDATION', 'date']);
    expect((e as DomainError).localized.zh).toContain(runDate);
  });
});
