import { describe, expect, it } from '@jest/globals';
import type { HistoryLine } from './facts';
import { dedupKey, limitKey, limitSlotKey } from './keys';
import { checkDuplicate, checkExclusions, checkHigherLevel, checkSameOccupationAndLevel, checkYearlyLimit, type LimitSubject } from './limits';

const subject: LimitSubject = {
  personId: 'p1',
  scheme: 'TRAINING',
  occupationCode: '4-10-01-05',
  level: 'LEVEL_4',
  subsidyYear: 2026,
  dedupKey: 'OCCUPATION_LEVEL|p1|4-10-01-05|LEVEL_4|*|MAIN',
  levelReferenceDate: '2026-06-20',
};

function line(p: Partial<HistoryLine>): HistoryLine {
  return {
    personId: 'p1',
    scheme: 'TRAINING',
    part: 'MAIN',
    occupationCode: '4-10-01-05',
    level: 'LEVEL_4',
    subsidyYear: 2026,
    status: 'PAID',
    dedupKey: 'x',
    amountFen: 100_000,
    countsTowardLimit: true,
    limitSlot: null,
    ...p,
  };
}

describe('keys', () => {
  it('writes the business key: scheme | person | occupation | level | basis | slot', () => {
    expect(
      dedupKey({ scheme: 'CLASS_HOUR', personId: 'p1', occupationCode: '4-10-01-05', level: null, basis: 'class:c1', slot: 'MAIN' }),
    ).toBe('CLASS_HOUR|p1|4-10-01-05|-|class:c1|MAIN');
    expect(limitKey('p1', 2026)).toBe('LIMIT|p1|2026');
    expect(limitSlotKey('p1', 2026, 3)).toBe('LIMIT|p1|2026|3');
  });
  it('refuses parts that would make keys ambiguous', () => {
    expect(() => dedupKey({ scheme: 'X', personId: 'p|1', occupationCode: null, level: null, basis: 'b', slot: 'MAIN' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    expect(() => limitKey('p1', 26)).toThrow(RangeError);
  });
});

describe('same key, same occupation and level', () => {
  it.each<[string, Partial<HistoryLine>, string | null]>([
    ['the same key, paid', { dedupKey: subject.dedupKey }, 'ALREADY_CLAIMED'],
    ['the same key, still pending', { dedupKey: subject.dedupKey, status: 'PENDING' }, 'ALREADY_CLAIMED'],
    ['the same key, rejected: claimable again', { dedupKey: subject.dedupKey, status: 'REJECTED' }, null],
    ['another person', { dedupKey: subject.dedupKey, personId: 'p2' }, null],
  ])('%s', (_name, p, rule) => {
    expect(checkDuplicate(subject, [line(p)])?.rule ?? null).toBe(rule);
  });
  it.each<[string, Partial<HistoryLine>, string | null]>([
    ['TRAINING, same occupation and level', {}, 'SAME_OCCUPATION_AND_LEVEL_PAID'],
    ['CERTIFICATE (another per-level scheme)', { scheme: 'CERTIFICATE' }, 'SAME_OCCUPATION_AND_LEVEL_PAID'],
    ['SKILL_UPGRADE (paid to the person)', { scheme: 'SKILL_UPGRADE' }, 'SAME_OCCUPATION_AND_LEVEL_PAID'],
    ['CLASS_HOUR does not pay per level', { scheme: 'CLASS_HOUR' }, null],
    ['another level', { level: 'LEVEL_5' }, null],
    ['another occupation', { occupationCode: '4-10-01-06' }, null],
  ])('%s', (_name, p, rule) => {
    expect(checkSameOccupationAndLevel(subject, [line(p)])?.rule ?? null).toBe(rule);
  });
});

describe('a higher level held or subsidised bars the lower', () => {
  it.each<[string, { level: 'LEVEL_3' | 'LEVEL_5' | 'LEVEL_4'; issuedOn: string; occupationCode?: string }, boolean]>([
    ['LEVEL_3 obtained first', { level: 'LEVEL_3', issuedOn: '2026-03-01' }, true],
    ['LEVEL_3 obtained the same day', { level: 'LEVEL_3', issuedOn: '2026-06-20' }, true],
    ['LEVEL_3 obtained afterwards', { level: 'LEVEL_3', issuedOn: '2026-06-21' }, false],
    ['a lower level held', { level: 'LEVEL_5', issuedOn: '2025-01-01' }, false],
    ['the same level (its own certificate)', { level: 'LEVEL_4', issuedOn: '2026-06-20' }, false],
    ['LEVEL_3 of another occupation', { level: 'LEVEL_3', issuedOn: '2026-03-01', occupationCode: '6-18-02-04' }, false],
  ])('%s → barred %s', (_name, cert, barred) => {
    const r = checkHigherLevel(subject, [{ occupationCode: '4-10-01-05', ...cert }], []);
    expect(r !== null).toBe(barred);
    if (r) expect(r.rule).toBe('HIGHER_LEVEL_HELD');
  });
  it('a higher level already subsidised bars too, whatever its date', () => {
    expect(checkHigherLevel(subject, [], [line({ scheme: 'CERTIFICATE', level: 'LEVEL_3', subsidyYear: 2027 })])?.rule).toBe('HIGHER_LEVEL_HELD');
    expect(checkHigherLevel(subject, [], [line({ scheme: 'CERTIFICATE', level: 'LEVEL_3', status: 'REJECTED' })])).toBeNull();
  });
});

describe('named mutual exclusions', () => {
  it.each<[string, 'EVER' | 'SAME_YEAR' | 'SAME_OCCUPATION_AND_LEVEL', Partial<HistoryLine>, boolean]>([
    ['EVER', 'EVER', { subsidyYear: 2019, level: null }, true],
    ['SAME_YEAR, same year', 'SAME_YEAR', {}, true],
    ['SAME_YEAR, another year', 'SAME_YEAR', { subsidyYear: 2025 }, false],
    ['SAME_OCCUPATION_AND_LEVEL, same', 'SAME_OCCUPATION_AND_LEVEL', {}, true],
    ['SAME_OCCUPATION_AND_LEVEL, another level', 'SAME_OCCUPATION_AND_LEVEL', { level: 'LEVEL_5' }, false],
    ['rejected line', 'EVER', { status: 'REJECTED' }, false],
  ])('%s', (_name, scope, p, hit) => {
    const r = checkExclusions(subject, [{ scheme: 'SKILL_UPGRADE', scope }], [line({ scheme: 'SKILL_UPGRADE', ...p })]);
    expect(r?.rule ?? null).toBe(hit ? 'MUTUALLY_EXCLUSIVE' : null);
  });
  it('ignores other schemes', () => {
    expect(checkExclusions(subject, [{ scheme: 'SKILL_UPGRADE', scope: 'EVER' }], [line({ scheme: 'CERTIFICATE' })])).toBeNull();
  });
});

describe('at most N subsidies a year, whoever is paid', () => {
  const counted = (n: number, p: Partial<HistoryLine> = {}) =>
    Array.from({ length: n }, (_, i) => line({ dedupKey: `k${i}`, limitSlot: i + 1, scheme: 'ENTERPRISE_TRAINING', level: null, ...p }));
  it.each<[string, HistoryLine[], number | null]>([
    ['first of the year', [], 1],
    ['3rd of the year', counted(2), 3],
    ['4th of the year', counted(3), null],
    ['lines of another year do not count', counted(3, { subsidyYear: 2025 }), 1],
    ['rejected lines do not count', counted(3, { status: 'REJECTED' }), 1],
    ['supplementary lines do not count', counted(3, { countsTowardLimit: false }), 1],
    ['pending lines count', counted(3, { status: 'PENDING' }), null],
  ])('%s → slot %p', (_name, history, slot) => {
    const r = checkYearlyLimit(subject, 3, history);
    expect(r.ok ? r.slot : null).toBe(slot);
    if (!r.ok) expect(r).toMatchObject({ rule: 'YEARLY_LIMIT_REACHED', zh: '2026年度已有3次补贴,每人每年最多3次' });
  });
  it('takes the lowest free slot when an earlier line was rejected', () => {
    const history = [line({ limitSlot: 1 }), line({ limitSlot: 2, status: 'REJECTED' }), line({ limitSlot: 3 })];
    expect(checkYearlyLimit(subject, 3, history)).toEqual({ ok: true, ordinal: 3, slot: 2 });
  });
});
