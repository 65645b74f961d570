import { describe, expect, it } from '@jest/globals';
import { assessmentOutcome, DEFAULT_PASS_RULE, isQualifiedFor, isValidScore, withinEvaluatorScope } from './assessment';

describe('assessmentOutcome (pass marks 60/60)', () => {
  it.each([
    [{ theoryScore: 60, practicalScore: 60 }, 'SKILL_LEVEL', 'PASSED'],
    [{ theoryScore: 59.99, practicalScore: 90 }, 'SKILL_LEVEL', 'FAILED'],
    [{ theoryScore: 95, practicalScore: 59.5 }, 'SKILL_LEVEL', 'FAILED'],
    [{ practicalScore: 75 }, 'SPECIAL_ABILITY', 'PASSED'],
    [{ absent: true }, 'SKILL_LEVEL', 'ABSENT'],
  ] as const)('%j (%s) → %s', (input, kind, outcome) => {
    expect(assessmentOutcome(input, DEFAULT_PASS_RULE, kind).outcome).toBe(outcome);
  });
  it('follows the session rule', () => {
    expect(assessmentOutcome({ theoryScore: 70, practicalScore: 70 }, { passTheoryScore: 60, passPracticalScore: 75 }, 'SKILL_LEVEL').outcome).toBe('FAILED');
  });
  it.each([
    [{ practicalScore: 80 }, 'SKILL_LEVEL', 'theoryScore'],
    [{ theoryScore: 80 }, 'SKILL_LEVEL', 'practicalScore'],
    [{ theoryScore: 101, practicalScore: 80 }, 'SKILL_LEVEL', 'theoryScore'],
    [{ theoryScore: 80, practicalScore: 80.123 }, 'SKILL_LEVEL', 'practicalScore'],
    [{ absent: true, theoryScore: 10 }, 'SKILL_LEVEL', 'absent'],
  ] as const)('rejects %j on %s', (input, kind, field) => {
    expect(() => assessmentOutcome(input, DEFAULT_PASS_RULE, kind)).toThrow(expect.objectContaining({ details: { field } }));
  });
  it('scores: 0–100, two decimals', () => {
    expect([0, 100, 59.5, 88.25].every(isValidScore)).toBe(true);
    expect([-1, 100.01, Number.NaN, 1.005].some(isValidScore)).toBe(false);
  });
});

describe('withinEvaluatorScope', () => {
  it.each([
    ['LEVEL_4', 'LEVEL_3', true],
    ['LEVEL_3', 'LEVEL_3', true],
    ['LEVEL_2', 'LEVEL_3', false],
    ['LEVEL_1', null, true],
    [null, 'LEVEL_5', true],
  ] as const)('%s within %s → %s', (level, max, ok) => {
    expect(withinEvaluatorScope(level, max)).toBe(ok);
  });
});

describe('isQualifiedFor: an occupation qualification, up to its level and until it ends', () => {
  it.each([
    ['no qualification', null, 'LEVEL_4', '2026-11-20', false],
    ['within its level', { maxLevel: 'LEVEL_3', validUntil: null }, 'LEVEL_4', '2026-11-20', true],
    ['at its level', { maxLevel: 'LEVEL_3', validUntil: null }, 'LEVEL_3', '2026-11-20', true],
    ['above its level', { maxLevel: 'LEVEL_3', validUntil: null }, 'LEVEL_2', '2026-11-20', false],
    ['every level', { maxLevel: null, validUntil: null }, 'LEVEL_1', '2026-11-20', true],
    ['special-ability item', { maxLevel: 'LEVEL_5', validUntil: null }, null, '2026-11-20', true],
    ['on its last day', { maxLevel: null, validUntil: '2026-11-20' }, 'LEVEL_4', '2026-11-20', true],
    ['after it ended', { maxLevel: null, validUntil: '2026-11-19' }, 'LEVEL_4', '2026-11-20', false],
  ] as const)('%s → %s', (_case, qualification, level, on, ok) => {
    expect(isQualifiedFor(qualification, level, on)).toBe(ok);
  });
});
