import { describe, expect, it } from '@jest/globals';
import {
  type ContributionMonth,
  checkpointDates,
  contractEndOf,
  decideEmployment,
  type EmploymentCheckStatus,
  type EvidenceRecord,
  employmentRulesOf,
  reminderDue,
} from './employment';
import { DomainError } from './errors';
import { BAYANNUR_CLASS_HOUR, withRules } from './subsidy/fixtures';
import { validatePolicy } from './subsidy/policy';

// The rules come from the seeded Bayannur policy (BYN-CLASS-HOUR): within 6 months, ≥ 12 months, insurance paid.
const byn = validatePolicy(BAYANNUR_CLASS_HOUR);
const RULES = employmentRulesOf(byn.kind === 'CLASS_HOUR' ? byn.rules : null);
const NO_UPLIFT = employmentRulesOf(null);

const ACME = '91150800MA0000001X';
const BETA = '91150800MA0000002X';

function rec(over: Partial<EvidenceRecord> = {}): EvidenceRecord {
  return {
    id: 'r1',
    source: 'LABOUR_CONTRACT',
    confirmation: 'UNCONFIRMED',
    employerCreditCode: ACME,
    employerName: 'Acme',
    contractStart: '2026-05-01',
    contractEnd: '2027-04-30',
    contractMonths: null,
    monthlyWageFen: null,
    ...over,
  };
}
const paid = (code: string, ...months: string[]): ContributionMonth[] => months.map((month) => ({ employerCreditCode: code, month }));

const SIX = { completedOn: '2026-03-31', checkpointMonths: 6, dueOn: '2026-09-30' };

describe('rules from policy data', () => {
  it('reads the uplift condition of BYN-CLASS-HOUR rather than repeating its numbers', () => {
    expect(RULES.qualifying).toEqual({ withinMonths: 6, minContractMonths: 12, requiresSocialInsurance: true });
    expect(NO_UPLIFT.qualifying).toBeNull();
  });
});

describe('checkpointDates', () => {
  it.each([
    ['2026-03-31', [3, 6], [{ checkpointMonths: 3, dueOn: '2026-06-30' }, { checkpointMonths: 6, dueOn: '2026-09-30' }]],
    ['2026-08-31', [6], [{ checkpointMonths: 6, dueOn: '2027-02-28' }]],
    ['2027-08-31', [6], [{ checkpointMonths: 6, dueOn: '2028-02-29' }]],
    ['2026-01-15', [6, 3, 6], [{ checkpointMonths: 3, dueOn: '2026-04-15' }, { checkpointMonths: 6, dueOn: '2026-07-15' }]],
  ])('%s + %j', (completedOn, months, expected) => {
    expect(checkpointDates(completedOn, months)).toEqual(expected);
  });

  it.each([[0], [1.5], [61]])('rejects %p months naming the field', (m) => {
    expect(() => checkpointDates('2026-03-31', [m])).toThrow(expect.objectContaining({ code: 'VALIDATION', details: { field: 'checkpointMonths' } }));
  });
});

describe('reminderDue (14 days before the window closes)', () => {
  it.each([
    ['2026-09-15', false],
    ['2026-09-16', true],
    ['2026-09-30', true],
    ['2026-10-01', false],
  ])('today %s → %p', (today, due) => {
    expect(reminderDue('2026-09-30', today, 14)).toBe(due);
  });
});

describe('contractEndOf', () => {
  it('derives the end from the term, inclusive; open-ended is null', () => {
    expect(contractEndOf({ contractStart: '2026-04-01', contractEnd: null, contractMonths: 12 })).toBe('2027-03-31');
    expect(contractEndOf({ contractStart: '2026-04-01', contractEnd: null, contractMonths: null })).toBeNull();
    expect(contractEndOf({ contractStart: '2026-04-01', contractEnd: '2026-12-31', contractMonths: 12 })).toBe('2026-12-31');
  });
});

type Row = [
  name: string,
  input: { records?: EvidenceRecord[]; contributions?: ContributionMonth[]; today?: string; rules?: typeof RULES; checkpoint?: { checkpointMonths: number; dueOn: string } },
  expected: { status: EmploymentCheckStatus; final: boolean; rule: string; employer?: string | null; contractMonths?: number | null; recordId?: string | null },
];

const TABLE: Row[] = [
  [
    'completion 31 March, 12-month contract signed 30 September (last day) with insurance → QUALIFIED',
    { records: [rec({ contractStart: '2026-09-30', contractEnd: '2027-09-29' })], contributions: paid(ACME, '202609') },
    { status: 'QUALIFIED', final: true, rule: 'QUALIFYING_CONTRACT', employer: ACME, contractMonths: 12, recordId: 'r1' },
  ],
  [
    'signed 1 October, one day after the window → not qualifying, and it does not cover 30 September → NOT_EMPLOYED',
    { records: [rec({ contractStart: '2026-10-01', contractEnd: '2027-09-30' })], contributions: paid(ACME, '202610'), today: '2026-10-02' },
    { status: 'NOT_EMPLOYED', final: true, rule: 'WINDOW_CLOSED', employer: null },
  ],
  [
    'exactly 12 months (1 May → 30 April) qualifies',
    { records: [rec()], contributions: paid(ACME, '202605') },
    { status: 'QUALIFIED', final: true, rule: 'QUALIFYING_CONTRACT', contractMonths: 12 },
  ],
  [
    '11 months (1 May → 29 April) does not qualify, but covers the checkpoint with insurance → EMPLOYED; open window → not final',
    { records: [rec({ contractEnd: '2027-04-29' })], contributions: paid(ACME, '202605'), today: '2026-09-01' },
    { status: 'EMPLOYED', final: false, rule: 'RECORD_COVERS_CHECKPOINT', employer: ACME, contractMonths: 11 },
  ],
  [
    '11 months, window closed → EMPLOYED final',
    { records: [rec({ contractEnd: '2027-04-29' })], contributions: paid(ACME, '202605'), today: '2026-10-01' },
    { status: 'EMPLOYED', final: true, rule: 'RECORD_COVERS_CHECKPOINT', employer: ACME, contractMonths: 11 },
  ],
  [
    'open-ended contract with insurance qualifies',
    { records: [rec({ contractEnd: null, contractMonths: null })], contributions: paid(ACME, '202606') },
    { status: 'QUALIFIED', final: true, rule: 'QUALIFYING_CONTRACT', contractMonths: null },
  ],
  [
    'contract ≥ 12 months but no contributions → EMPLOYED (record covers the checkpoint), not QUALIFIED',
    { records: [rec()], today: '2026-10-01' },
    { status: 'EMPLOYED', final: true, rule: 'RECORD_COVERS_CHECKPOINT', contractMonths: 12 },
  ],
  [
    'contributions of another employer than the contract → not qualifying; contributions alone make it EMPLOYED (longest contract wins)',
    { records: [rec()], contributions: paid(BETA, '202605', '202606'), today: '2026-10-01' },
    { status: 'EMPLOYED', final: true, rule: 'RECORD_COVERS_CHECKPOINT', employer: ACME },
  ],
  [
    'contributions only (no contract) in the window → EMPLOYED',
    { contributions: paid(BETA, '202607'), today: '2026-10-01' },
    { status: 'EMPLOYED', final: true, rule: 'CONTRIBUTIONS_IN_WINDOW', employer: BETA, contractMonths: null },
  ],
  [
    'contributions only after the window → NOT_EMPLOYED',
    { contributions: paid(BETA, '202610'), today: '2026-10-01' },
    { status: 'NOT_EMPLOYED', final: true, rule: 'WINDOW_CLOSED' },
  ],
  [
    'contract covering the checkpoint but not qualifying ended before checkpoint, no insurance → NOT_EMPLOYED',
    { records: [rec({ contractStart: '2026-04-10', contractEnd: '2026-08-31' })], today: '2026-10-01' },
    { status: 'NOT_EMPLOYED', final: true, rule: 'WINDOW_CLOSED' },
  ],
  [
    'nothing yet, window open → PENDING',
    { today: '2026-06-01' },
    { status: 'PENDING', final: false, rule: 'WINDOW_OPEN' },
  ],
  [
    'nothing on the checkpoint day itself (inclusive) → still PENDING',
    { today: '2026-09-30' },
    { status: 'PENDING', final: false, rule: 'WINDOW_OPEN' },
  ],
  [
    'unconfirmed self-report alone → PENDING while open',
    { records: [rec({ source: 'SELF_REPORTED', confirmation: 'UNCONFIRMED' })], contributions: [], today: '2026-06-01' },
    { status: 'PENDING', final: false, rule: 'WINDOW_OPEN' },
  ],
  [
    'unconfirmed self-report with the employer’s insurance → EMPLOYED by contributions, not QUALIFIED',
    { records: [rec({ source: 'SELF_REPORTED', confirmation: 'UNCONFIRMED' })], contributions: paid(ACME, '202605'), today: '2026-06-01' },
    { status: 'EMPLOYED', final: false, rule: 'CONTRIBUTIONS_IN_WINDOW', employer: ACME, recordId: null },
  ],
  [
    'confirmed self-report with insurance → QUALIFIED',
    { records: [rec({ source: 'SELF_REPORTED', confirmation: 'CONFIRMED' })], contributions: paid(ACME, '202605') },
    { status: 'QUALIFIED', final: true, rule: 'QUALIFYING_CONTRACT' },
  ],
  [
    'denied self-report → NOT_EMPLOYED at close',
    { records: [rec({ source: 'SELF_REPORTED', confirmation: 'DENIED' })], today: '2026-10-01' },
    { status: 'NOT_EMPLOYED', final: true, rule: 'WINDOW_CLOSED' },
  ],
  [
    'contract signed before completion (employed during training) is employment but not the uplift',
    { records: [rec({ contractStart: '2026-01-01', contractEnd: null })], contributions: paid(ACME, '202604'), today: '2026-10-01' },
    { status: 'EMPLOYED', final: true, rule: 'RECORD_COVERS_CHECKPOINT', employer: ACME },
  ],
  [
    'two qualifying employers: the earlier signed contract wins, whatever the row order',
    {
      records: [
        rec({ id: 'r2', employerCreditCode: BETA, employerName: 'Beta', contractStart: '2026-06-01', contractEnd: null }),
        rec({ id: 'r1', contractStart: '2026-05-01', contractEnd: '2027-04-30' }),
      ],
      contributions: [...paid(BETA, '202606'), ...paid(ACME, '202605')],
    },
    { status: 'QUALIFIED', final: true, rule: 'QUALIFYING_CONTRACT', employer: ACME, recordId: 'r1' },
  ],
  [
    'two non-qualifying employers: the longer contract wins',
    {
      records: [
        rec({ id: 'r1', contractStart: '2026-05-01', contractEnd: '2026-12-31' }),
        rec({ id: 'r2', employerCreditCode: BETA, employerName: 'Beta', contractStart: '2026-05-01', contractEnd: '2027-02-28' }),
      ],
      today: '2026-10-01',
    },
    { status: 'EMPLOYED', final: true, rule: 'RECORD_COVERS_CHECKPOINT', employer: BETA, recordId: 'r2' },
  ],
  [
    '3-month checkpoint: a contract signed in month 4 does not qualify yet (PENDING while open)',
    { records: [rec({ contractStart: '2026-07-15', contractEnd: null })], contributions: paid(ACME, '202607'), today: '2026-06-20', checkpoint: { checkpointMonths: 3, dueOn: '2026-06-30' } },
    { status: 'PENDING', final: false, rule: 'WINDOW_OPEN' },
  ],
  [
    'no uplift policy in force: the same qualifying contract is only EMPLOYED',
    { records: [rec()], contributions: paid(ACME, '202605'), rules: NO_UPLIFT, today: '2026-10-01' },
    { status: 'EMPLOYED', final: true, rule: 'RECORD_COVERS_CHECKPOINT', employer: ACME },
  ],
];

describe('decideEmployment (completion 2026-03-31, 6-month checkpoint 2026-09-30 unless stated)', () => {
  it.each(TABLE)('%s', (_name, input, expected) => {
    const d = decideEmployment({
      ...SIX,
      ...(input.checkpoint ?? {}),
      today: input.today ?? '2026-07-01',
      records: input.records ?? [],
      contributions: input.contributions ?? [],
      rules: input.rules ?? RULES,
    });
    expect({ status: d.status, final: d.final, rule: d.evidence.rule }).toEqual({ status: expected.status, final: expected.final, rule: expected.rule });
    if (expected.employer !== undefined) expect(d.employerCreditCode).toBe(expected.employer);
    if (expected.contractMonths !== undefined) expect(d.contractMonths).toBe(expected.contractMonths);
    if (expected.recordId !== undefined) expect(d.evidence.recordId).toBe(expected.recordId);
    expect(d.evidence.zh.length).toBeGreaterThan(0);
    expect(d.evidence.en.length).toBeGreaterThan(0);
  });

  it('says in the evidence that an unconfirmed self-report is not enough', () => {
    const d = decideEmployment({ ...SIX, today: '2026-10-01', records: [rec({ source: 'SELF_REPORTED' })], contributions: [], rules: RULES });
    expect(d.status).toBe('NOT_EMPLOYED');
    expect(d.evidence.notes.map((n) => n.en).join(' ')).toContain('not confirmed by the employer');
    expect(d.evidence.notes.map((n) => n.zh).join(' ')).toContain('尚未经企业确认');
  });

  it('explains why a contract fell short (11 months) in both languages', () => {
    const d = decideEmployment({ ...SIX, today: '2026-10-01', records: [rec({ contractEnd: '2027-04-29' })], contributions: paid(ACME, '202605'), rules: RULES });
    const why = d.evidence.notes.find((n) => n.en.startsWith('Not qualifying'))!;
    expect(why.en).toContain('11 month(s), less than 12');
    expect(why.zh).toContain('不足12个月');
  });

  it('takes the wage from the record, else the latest contribution base', () => {
    const d1 = decideEmployment({ ...SIX, records: [rec({ monthlyWageFen: 450_000 })], contributions: paid(ACME, '202605'), rules: RULES, today: '2026-07-01' });
    expect(d1.monthlyWageFen).toBe(450_000);
    const d2 = decideEmployment({
      ...SIX,
      records: [rec()],
      contributions: [
        { employerCreditCode: ACME, month: '202605', wageBaseFen: 400_000 },
        { employerCreditCode: ACME, month: '202606', wageBaseFen: 420_000 },
      ],
      rules: RULES,
      today: '2026-07-01',
    });
    expect(d2.monthlyWageFen).toBe(420_000);
  });

  it.each([
    ['today', { today: '2026-13-01' }, 'today'],
    ['dueOn before completion', { dueOn: '2026-03-01' }, 'dueOn'],
    ['a bad contribution month', { contributions: [{ employerCreditCode: ACME, month: '202613' }] }, 'contributions.0.month'],
    ['a contract ending before it starts', { records: [rec({ contractEnd: '2026-04-01' })] }, 'records.0.contractEnd'],
  ])('rejects %s naming the field', (_n, change, field) => {
    try {
      decideEmployment({ ...SIX, today: '2026-07-01', records: [], contributions: [], rules: RULES, ...change });
      throw new Error('expected VALIDATION');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).details?.field).toBe(field);
    }
  });

  it('a CLASS_HOUR policy without an uplift gives no qualifying rule', () => {
    const plain = validatePolicy(withRules(BAYANNUR_CLASS_HOUR, { employmentUplift: null }));
    expect(employmentRulesOf(plain.kind === 'CLASS_HOUR' ? plain.rules : null)).toEqual({ qualifying: null });
  });
});
