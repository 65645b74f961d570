import { describe, expect, it } from '@jest/globals';
import { domainError } from '../shared/errors.testkit';
import { assessmentIssueDate, assertResultsRecordable } from './dates';

describe('assessment dates', () => {
  it.each([
    ['2026-12-10', '2026-12-07', false],
    ['2026-12-07', '2026-12-07', true],
    ['2026-12-01', '2026-12-07', true],
  ])('results for an assessment on %s recorded on %s: allowed %p', (scheduledOn, today, ok) => {
    if (ok) expect(() => assertResultsRecordable(scheduledOn, today)).not.toThrow();
    else {
      const e = domainError(() => assertResultsRecordable(scheduledOn, today));
      expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'scheduledOn']);
      expect(e.localized.zh).toContain(scheduledOn);
    }
  });

  it.each([
    ['2026-12-10', 'after today'],
    ['2026-11-30', 'before the assessment date'],
    ['2026-12-05', 'carries the day'],
  ])('refuses an issue date of %s (%s)', (requested, why) => {
    const e = domainError(() => assessmentIssueDate(requested, '2026-12-01', '2026-12-07'));
    expect([e.code, e.details?.['field']]).toEqual(['VALIDATION', 'issuedOn']);
    expect(e.localized.en).toContain(why);
  });

  it.each([[null], ['2026-12-07']])('issues on the closing day when asked for %p', (requested) => {
    expect(assessmentIssueDate(requested, '2026-12-01', '2026-12-07')).toBe('2026-12-07');
  });
});
