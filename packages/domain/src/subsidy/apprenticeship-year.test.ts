import { describe, expect, it } from '@jest/globals';
import { apprenticeshipAnniversary, apprenticeshipTermEnd, apprenticeshipYearFacts } from './apprenticeship-year';

describe('apprenticeshipAnniversary and apprenticeshipTermEnd', () => {
  it.each([
    // [start, years, anniversary, last day of the term]
    ['2025-03-01', 0, '2025-03-01', '2025-02-28'],
    ['2025-03-01', 1, '2026-03-01', '2026-02-28'],
    ['2025-03-01', 3, '2028-03-01', '2028-02-29'],
    ['2024-02-29', 1, '2025-02-28', '2025-02-27'],
    ['2024-02-29', 4, '2028-02-29', '2028-02-28'],
    ['2025-01-31', 2, '2027-01-31', '2027-01-30'],
  ] as const)('%s + %i year(s) → %s, term ends %s', (start, years, anniversary, termEnd) => {
    expect(apprenticeshipAnniversary(start, years)).toBe(anniversary);
    expect(apprenticeshipTermEnd(start, years)).toBe(termEnd);
  });
});

describe('apprenticeshipYearFacts: which year, and how it stands on the filing date', () => {
  const base = { id: 'a', targetLevel: 'LEVEL_4', occupationCode: '4-10-01-05' };
  it.each([
    // [status, start, end, year, filedOn, expected]
    ['ACTIVE', '2025-03-01', '2027-02-28', 1, '2025-06-01', { yearStartsOn: '2025-03-01', yearEndsOn: '2026-02-28', status: 'IN_PROGRESS', endedOn: null }],
    ['ACTIVE', '2025-03-01', '2027-02-28', 1, '2026-03-01', { yearStartsOn: '2025-03-01', yearEndsOn: '2026-02-28', status: 'COMPLETED', endedOn: null }],
    ['ACTIVE', '2025-03-01', '2027-02-28', 2, '2026-03-01', { yearStartsOn: '2026-03-01', yearEndsOn: '2027-02-28', status: 'IN_PROGRESS', endedOn: null }],
    ['COMPLETED', '2024-02-29', '2025-02-27', 1, '2025-03-01', { yearStartsOn: '2024-02-29', yearEndsOn: '2025-02-27', status: 'COMPLETED', endedOn: null }],
    ['TERMINATED', '2025-03-01', '2025-09-30', 1, '2025-10-01', { yearStartsOn: '2025-03-01', yearEndsOn: '2025-09-30', status: 'TERMINATED', endedOn: '2025-09-30' }],
    ['TERMINATED', '2025-03-01', '2026-09-30', 1, '2026-10-01', { yearStartsOn: '2025-03-01', yearEndsOn: '2026-02-28', status: 'COMPLETED', endedOn: null }],
    ['TERMINATED', '2025-03-01', '2026-09-30', 2, '2026-10-01', { yearStartsOn: '2026-03-01', yearEndsOn: '2026-09-30', status: 'TERMINATED', endedOn: '2026-09-30' }],
  ] as const)('%s %s–%s year %i on %s', (status, start, end, year, filedOn, expected) => {
    expect(apprenticeshipYearFacts({ ...base, status, startDate: start, endDate: end }, year, filedOn)).toMatchObject({
      ...expected,
      apprenticeshipId: 'a',
      occupationCode: '4-10-01-05',
      targetLevel: 'LEVEL_4',
      yearIndex: year,
    });
  });
  it('a year after the end does not exist', () => {
    expect(apprenticeshipYearFacts({ ...base, status: 'ACTIVE', startDate: '2025-03-01', endDate: '2026-02-28' }, 2, '2026-03-01')).toBeNull();
  });
});
