import { describe, expect, it } from '@jest/globals';
import { daysInMonth, isCalendarDate } from '../shared/calendar-date';
import {
  type ContributionMonth,
  checkpointDates,
  contractEndOf,
  type DecideEmploymentInput,
  decideEmployment,
  describeEmploymentEvidence,
  type EmploymentCheckStatus,
  type EvidenceRecord,
  employmentRulesInForce,
  employmentRulesOf,
  policyCheckpointMonths,
  reminderDue,
  reminderWanted,
} from './employment';
import { DomainError } from '../shared/errors';
import { addDays, assertCalendarDate, isMonthKey, monthKeyOf } from '../subsidy/dates';
import { BAYANNUR_CLASS_HOUR, LINFEN_TRAINING, SHAANXI_OUTCOME, withRules } from '../subsidy/fixtures';
import { validatePolicy } from '../subsidy/policy';

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

describe('reminderWanted (once, while PENDING, 14 days before the window closes)', () => {
  it.each([
    [false, 'PENDING', '2026-09-16', true],
    [false, 'PENDING', '2026-09-30', true],
    [false, 'PENDING', '2026-09-15', false],
    [false, 'PENDING', '2026-10-01', false],
    [true, 'PENDING', '2026-09-20', false],
    [false, 'EMPLOYED', '2026-09-20', false],
    [false, 'QUALIFIED', '2026-09-20', false],
  ] as const)('reminded %p, %s, today %s → %p', (reminded, status, today, wanted) => {
    expect(reminderWanted({ reminded, status, dueOn: '2026-09-30' }, today, 14)).toBe(wanted);
  });
});

describe('policyCheckpointMonths (the checkpoint a policy adds to 3 and 6 months)', () => {
  const upliftWithin = (withinMonths: number) =>
    withRules(BAYANNUR_CLASS_HOUR, { employmentUplift: { upliftBp: 5_000, withinMonths, minContractMonths: 12, requiresSocialInsurance: true } });
  const outcomeWithin = (withinMonths: number) => withRules(SHAANXI_OUTCOME, { employment: { withinMonths, minContractMonths: 0, requiresSocialInsurance: true } });
  it.each([
    ['BYN-CLASS-HOUR: uplift within 6 months (a default checkpoint)', BAYANNUR_CLASS_HOUR, null],
    ['CLASS_HOUR, uplift within 12 months', upliftWithin(12), 12],
    ['CLASS_HOUR, uplift within 3 months (a default checkpoint)', upliftWithin(3), null],
    ['CLASS_HOUR without uplift', withRules(BAYANNUR_CLASS_HOUR, { employmentUplift: null }), null],
    ['SN-OUTCOME: employment within 6 months (a default checkpoint)', SHAANXI_OUTCOME, null],
    ['OUTCOME, employment within 9 months', outcomeWithin(9), 9],
    ['TRAINING (no employment window)', LINFEN_TRAINING, null],
  ])('%s → %p', (_name, record, months) => {
    expect(policyCheckpointMonths(validatePolicy(record))).toBe(months);
  });
});

describe('employmentRulesInForce (the uplift of the CLASS_HOUR policy in force for the class)', () => {
  const other = validatePolicy({ ...BAYANNUR_CLASS_HOUR, code: 'BYN-OTHER' });
  it.each([
    ['a county of Bayannur, class started 2026-03-01', [byn], '150802', '2026-03-01', RULES],
    ['the city itself', [byn], '150800', '2026-03-01', RULES],
    ['a class started before the policy took effect', [byn], '150802', '2023-12-31', NO_UPLIFT],
    ['a region the policy does not cover', [byn], '610102', '2026-03-01', NO_UPLIFT],
    ['no policy', [], '150802', '2026-03-01', NO_UPLIFT],
    ['two conflicting policies: nothing qualifies', [byn, other], '150802', '2026-03-01', NO_UPLIFT],
    ['a policy of another kind', [validatePolicy(SHAANXI_OUTCOME)], '610102', '2026-03-01', NO_UPLIFT],
  ])('%s', (_name, policies, regionCode, basisDate, rules) => {
    expect(employmentRulesInForce(policies, regionCode, basisDate)).toEqual(rules);
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
    if (expected.recordId !== undefined) expect(d.evidence.recordId ?? null).toBe(expected.recordId);
    const text = describeEmploymentEvidence(d.evidence)!;
    expect(text.zh.length).toBeGreaterThan(0);
    expect(text.en.length).toBeGreaterThan(0);
  });

  it('says in the evidence that an unconfirmed self-report is not enough', () => {
    const d = decideEmployment({ ...SIX, today: '2026-10-01', records: [rec({ source: 'SELF_REPORTED' })], contributions: [], rules: RULES });
    expect(d.status).toBe('NOT_EMPLOYED');
    const { notes } = describeEmploymentEvidence(d.evidence)!;
    expect(notes.map((n) => n.en).join(' ')).toContain('not confirmed by the employer');
    expect(notes.map((n) => n.zh).join(' ')).toContain('尚未经企业确认');
  });

  it('explains why a contract fell short (11 months) in both languages', () => {
    const d = decideEmployment({ ...SIX, today: '2026-10-01', records: [rec({ contractEnd: '2027-04-29' })], contributions: paid(ACME, '202605'), rules: RULES });
    const why = describeEmploymentEvidence(d.evidence)!.notes.find((n) => n.en.startsWith('Not qualifying'))!;
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

// ───────────────────────────── the evidence: stored as data, worded on read ─────────────────────────────

type Worded = { rule: string; zh: string; en: string; notes: Array<{ zh: string; en: string }> };
const NOT_QUALIFYING_6_12 = {
  zh: '不符合上浮条件:没有结业后6个月内(2026-03-31至2026-09-30)签订12个月及以上劳动合同并缴纳社会保险的记录',
  en: 'Not qualifying for the uplift: No record of a labour contract of 12 months or more signed within 6 months after completion (2026-03-31 to 2026-09-30) with social insurance paid',
};
const TOO_SHORT_NOTE = {
  zh: `${NOT_QUALIFYING_6_12.zh}:2026-05-01与${ACME}签订的合同期限11个月,不足12个月`,
  en: `${NOT_QUALIFYING_6_12.en}: the contract signed 2026-05-01 with ${ACME} covers 11 month(s), less than 12`,
};
const STILL_OPEN = { zh: '(检查期未结束,仍可能转为符合上浮条件)', en: ' (the window is still open; it may still qualify for the uplift)' };

// The texts decided checks showed before the evidence was stored as data, word for word.
const WORDED: Array<[name: string, change: Partial<DecideEmploymentInput>, expected: Worded]> = [
  [
    'QUALIFYING_CONTRACT with insurance',
    { records: [rec()], contributions: paid(ACME, '202605') },
    {
      rule: 'QUALIFYING_CONTRACT',
      zh: `符合就业后上浮条件(劳动合同备案):结业2026-03-31后6个月内(至2026-09-30),于2026-05-01与${ACME}签订劳动合同(2026-05-01至2027-04-30,12个月,不少于12个月);2026-05已由用人单位缴纳社会保险`,
      en: `Qualifying employment (labour-contract filing): Within 6 months after completion on 2026-03-31 (until 2026-09-30), signed a labour contract on 2026-05-01 with ${ACME} (2026-05-01 to 2027-04-30, 12 month(s), at least 12); Social insurance paid by the employer for 2026-05`,
      notes: [],
    },
  ],
  [
    'QUALIFYING_CONTRACT open-ended, unnamed employer, any length, no insurance required',
    {
      records: [rec({ source: 'SELF_REPORTED', confirmation: 'CONFIRMED', employerCreditCode: null, employerName: null, contractEnd: null })],
      rules: { qualifying: { withinMonths: 6, minContractMonths: 0, requiresSocialInsurance: false } },
    },
    {
      rule: 'QUALIFYING_CONTRACT',
      zh: '符合就业后上浮条件(本人申报):结业2026-03-31后6个月内(至2026-09-30),于2026-05-01签订劳动合同(2026-05-01至无固定期限,无固定期限)',
      en: 'Qualifying employment (self-report): Within 6 months after completion on 2026-03-31 (until 2026-09-30), signed a labour contract on 2026-05-01 (2026-05-01 to open-ended, open-ended)',
      notes: [],
    },
  ],
  [
    'QUALIFYING_CONTRACT at a 12-month checkpoint (the uplift window ends before it)',
    { records: [rec()], contributions: paid(ACME, '202606'), checkpointMonths: 12, dueOn: '2027-03-31' },
    {
      rule: 'QUALIFYING_CONTRACT',
      zh: `符合就业后上浮条件(劳动合同备案):结业2026-03-31后6个月内(至2026-09-30),于2026-05-01与${ACME}签订劳动合同(2026-05-01至2027-04-30,12个月,不少于12个月);2026-06已由用人单位缴纳社会保险`,
      en: `Qualifying employment (labour-contract filing): Within 6 months after completion on 2026-03-31 (until 2026-09-30), signed a labour contract on 2026-05-01 with ${ACME} (2026-05-01 to 2027-04-30, 12 month(s), at least 12); Social insurance paid by the employer for 2026-06`,
      notes: [],
    },
  ],
  [
    'RECORD_COVERS_CHECKPOINT, window open, with insurance; note TOO_SHORT',
    { records: [rec({ contractEnd: '2027-04-29' })], contributions: paid(ACME, '202605'), today: '2026-09-01' },
    {
      rule: 'RECORD_COVERS_CHECKPOINT',
      zh: `已就业:劳动合同备案:Acme的劳动合同(2026-05-01至2027-04-29)覆盖检查点2026-09-30;结业后缴纳社保1个月${STILL_OPEN.zh}`,
      en: `Employed: labour-contract filing: the contract with Acme (2026-05-01 to 2027-04-29) covers the checkpoint 2026-09-30; 1 month(s) of social insurance after completion${STILL_OPEN.en}`,
      notes: [TOO_SHORT_NOTE],
    },
  ],
  [
    'RECORD_COVERS_CHECKPOINT at a 12-month checkpoint; the note names the uplift window, not the checkpoint',
    { records: [rec({ contractEnd: '2027-04-29' })], checkpointMonths: 12, dueOn: '2027-03-31' },
    {
      rule: 'RECORD_COVERS_CHECKPOINT',
      zh: `已就业:劳动合同备案:Acme的劳动合同(2026-05-01至2027-04-29)覆盖检查点2027-03-31${STILL_OPEN.zh}`,
      en: `Employed: labour-contract filing: the contract with Acme (2026-05-01 to 2027-04-29) covers the checkpoint 2027-03-31${STILL_OPEN.en}`,
      notes: [TOO_SHORT_NOTE],
    },
  ],
  [
    'RECORD_COVERS_CHECKPOINT, closed, open-ended, no insurance; note NOT_WITHIN',
    { records: [rec({ source: 'EMPLOYER_CONFIRMATION', employerName: null, contractStart: '2026-01-01', contractEnd: null })], today: '2026-10-01' },
    {
      rule: 'RECORD_COVERS_CHECKPOINT',
      zh: `已就业:企业确认:${ACME}的劳动合同(2026-01-01至无固定期限)覆盖检查点2026-09-30`,
      en: `Employed: employer confirmation: the contract with ${ACME} (2026-01-01 to open-ended) covers the checkpoint 2026-09-30`,
      notes: [
        {
          zh: `${NOT_QUALIFYING_6_12.zh}:2026-01-01与${ACME}签订的合同不在结业后6个月内(2026-03-31至2026-09-30)`,
          en: `${NOT_QUALIFYING_6_12.en}: the contract signed 2026-01-01 with ${ACME} is not within 6 months after completion (2026-03-31 to 2026-09-30)`,
        },
      ],
    },
  ],
  [
    'CONTRIBUTIONS_IN_WINDOW, window open; notes SELF_REPORT_UNCONFIRMED and NOT_QUALIFYING without contracts',
    { records: [rec({ source: 'SELF_REPORTED' })], contributions: paid(ACME, '202605') },
    {
      rule: 'CONTRIBUTIONS_IN_WINDOW',
      zh: `已就业:${ACME}在202603至202609期间为其缴纳社会保险1个月(202605)${STILL_OPEN.zh}`,
      en: `Employed: ${ACME} paid social insurance for 1 month(s) from 202603 to 202609 (202605)${STILL_OPEN.en}`,
      notes: [
        {
          zh: 'Acme的本人申报尚未经企业确认,不能作为就业或享受上浮补贴的依据',
          en: 'The self-report for Acme is not confirmed by the employer yet, so it is not evidence of employment or of the uplift',
        },
        NOT_QUALIFYING_6_12,
      ],
    },
  ],
  [
    'CONTRIBUTIONS_IN_WINDOW, closed, no uplift in force: no notes',
    { contributions: paid(BETA, '202607', '202605', '202607'), rules: NO_UPLIFT, today: '2026-10-01' },
    {
      rule: 'CONTRIBUTIONS_IN_WINDOW',
      zh: `已就业:${BETA}在202603至202609期间为其缴纳社会保险2个月(202605、202607)`,
      en: `Employed: ${BETA} paid social insurance for 2 month(s) from 202603 to 202609 (202605, 202607)`,
      notes: [],
    },
  ],
  [
    'WINDOW_OPEN under the uplift',
    {},
    {
      rule: 'WINDOW_OPEN',
      zh: '检查期2026-03-31至2026-09-30尚未结束,暂无就业证据',
      en: 'The window 2026-03-31 to 2026-09-30 is still open; no evidence of employment yet',
      notes: [NOT_QUALIFYING_6_12],
    },
  ],
  [
    'WINDOW_CLOSED; notes DENIED and NOT_QUALIFYING (any length) with NO_SOCIAL_INSURANCE',
    {
      records: [
        rec({ contractStart: '2026-04-10', contractEnd: '2026-08-31' }),
        rec({ id: 'r2', source: 'EMPLOYER_CONFIRMATION', confirmation: 'DENIED', employerCreditCode: BETA, employerName: 'Beta' }),
      ],
      rules: { qualifying: { withinMonths: 6, minContractMonths: 0, requiresSocialInsurance: true } },
      today: '2026-10-01',
    },
    {
      rule: 'WINDOW_CLOSED',
      zh: '检查期2026-03-31至2026-09-30已结束:没有社保缴费记录,也没有经确认的覆盖检查点的劳动合同',
      en: 'The window 2026-03-31 to 2026-09-30 has closed with no social-insurance contribution and no confirmed contract covering the checkpoint',
      notes: [
        { zh: 'Beta的企业确认已被企业否认,不计入', en: 'The employer confirmation for Beta was denied by the employer and does not count' },
        {
          zh: `不符合上浮条件:没有结业后6个月内(2026-03-31至2026-09-30)签订劳动合同并缴纳社会保险的记录:2026-04-10与${ACME}签订的合同在202604至202609期间没有社会保险缴费`,
          en: `Not qualifying for the uplift: No record of a labour contract signed within 6 months after completion (2026-03-31 to 2026-09-30) with social insurance paid: the contract signed 2026-04-10 with ${ACME} has no social-insurance contribution from 202604 to 202609`,
        },
      ],
    },
  ],
];

const decide = (change: Partial<DecideEmploymentInput>) => decideEmployment({ ...SIX, today: '2026-07-01', records: [], contributions: [], rules: RULES, ...change });
/** The evidence as it comes back from the jsonb column. */
const stored = (change: Partial<DecideEmploymentInput>): unknown => JSON.parse(JSON.stringify(decide(change).evidence));

describe('describeEmploymentEvidence: the stored evidence in words', () => {
  it.each(WORDED)('%s', (_name, change, expected) => {
    expect(describeEmploymentEvidence(stored(change))).toEqual(expected);
  });

  it('covers every rule and every kind of note', () => {
    const evidence = WORDED.map(([, change]) => stored(change) as { rule: string; notes?: Array<{ code: string; reasons?: Array<{ code: string }> }> });
    expect(new Set(evidence.map((e) => e.rule))).toEqual(new Set(['QUALIFYING_CONTRACT', 'RECORD_COVERS_CHECKPOINT', 'CONTRIBUTIONS_IN_WINDOW', 'WINDOW_OPEN', 'WINDOW_CLOSED']));
    const notes = evidence.flatMap((e) => e.notes ?? []);
    expect(new Set(notes.map((n) => n.code))).toEqual(new Set(['DENIED', 'SELF_REPORT_UNCONFIRMED', 'NOT_QUALIFYING']));
    expect(new Set(notes.flatMap((n) => n.reasons ?? []).map((r) => r.code))).toEqual(new Set(['NOT_WITHIN', 'TOO_SHORT', 'NO_SOCIAL_INSURANCE']));
  });

  it('stores codes and parameters only: a PENDING check under the uplift is small', () => {
    const d = decide({});
    expect(d.evidence).toEqual({
      rule: 'WINDOW_OPEN',
      window: { from: '2026-03-31', to: '2026-09-30' },
      notes: [{ code: 'NOT_QUALIFYING', withinMonths: 6, minContractMonths: 12, requiresSocialInsurance: true }],
    });
    const json = JSON.stringify(d.evidence);
    expect(json).not.toMatch(/"(zh|en)"/);
    // 178 bytes; the worded form was 625 (and about 1 KB for an EMPLOYED check with a reason).
    expect(Buffer.byteLength(json)).toBeLessThan(256);
  });

  it('stores the qualifying contract as data', () => {
    expect(decide({ records: [rec()], contributions: paid(ACME, '202605', '202606') }).evidence).toEqual({
      rule: 'QUALIFYING_CONTRACT',
      window: { from: '2026-03-31', to: '2026-09-30' },
      recordId: 'r1',
      source: 'LABOUR_CONTRACT',
      contributionMonths: ['202605', '202606'],
      match: { signedOn: '2026-05-01', startsOn: '2026-05-01', endsOn: '2027-04-30', employer: ACME, contractMonths: 12, socialInsuranceMonth: '202605', withinMonths: 6, minContractMonths: 12 },
    });
  });

  it('ignores what core adds to the evidence (the uplift note)', () => {
    const evidence = { ...(stored({}) as object), uplift: { refused: 'BASE_NOT_APPROVED', zh: '…', en: '…' } };
    expect(describeEmploymentEvidence(evidence)).toEqual(WORDED.find(([n]) => n === 'WINDOW_OPEN under the uplift')![2]);
  });

  it('shows evidence written before the structured form as it was stored', () => {
    const legacy = {
      rule: 'WINDOW_OPEN',
      zh: '检查期2026-03-31至2026-09-30尚未结束,暂无就业证据',
      en: 'The window 2026-03-31 to 2026-09-30 is still open; no evidence of employment yet',
      window: { from: '2026-03-31', to: '2026-09-30' },
      recordId: null,
      source: null,
      contributionMonths: [],
      notes: [NOT_QUALIFYING_6_12],
      uplift: { refused: 'BASE_NOT_APPROVED' },
    };
    expect(describeEmploymentEvidence(legacy)).toEqual({ rule: 'WINDOW_OPEN', zh: legacy.zh, en: legacy.en, notes: [NOT_QUALIFYING_6_12] });
    expect(describeEmploymentEvidence({ rule: 'SOMETHING_OLD', zh: '旧', en: 'old', notes: [] })).toEqual({ rule: 'SOMETHING_OLD', zh: '旧', en: 'old', notes: [] });
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'WINDOW_OPEN'],
    ['an array', [{ rule: 'WINDOW_OPEN' }]],
    ['an empty object', {}],
    ['only the uplift note', { uplift: { claimNumber: 'X' } }],
    ['a rule that is not a string', { rule: 7, window: { from: '2026-03-31', to: '2026-09-30' } }],
  ])('nothing to say for %s', (_name, value) => {
    expect(describeEmploymentEvidence(value)).toBeNull();
  });

  const W = { from: '2026-03-31', to: '2026-09-30' };
  it.each<[string, unknown]>([
    ['an unknown rule', { rule: 'NOPE', window: W }],
    ['no window', { rule: 'WINDOW_OPEN' }],
    ['a window of non-dates', { rule: 'WINDOW_OPEN', window: { from: 1, to: '2026-13-01' } }],
    ['a qualifying contract without its match', { rule: 'QUALIFYING_CONTRACT', window: W, recordId: 'r1', source: 'LABOUR_CONTRACT', match: 'x' }],
    ['a match with a bad date', { rule: 'QUALIFYING_CONTRACT', window: W, source: 'LABOUR_CONTRACT', match: { signedOn: '2026-02-30', startsOn: '2026-02-30', withinMonths: 6, minContractMonths: 12 } }],
    ['an unknown source', { rule: 'RECORD_COVERS_CHECKPOINT', window: W, source: 'RUMOUR', who: 'Acme', startsOn: '2026-05-01' }],
    ['contribution months that are not strings', { rule: 'CONTRIBUTIONS_IN_WINDOW', window: W, employer: ACME, contributionMonths: [202605] }],
  ])('empty texts for %s, never a throw', (_name, value) => {
    expect(describeEmploymentEvidence(value)).toEqual({ rule: (value as { rule: string }).rule, zh: '', en: '', notes: [] });
  });

  it('leaves out notes it does not understand, keeps the others', () => {
    const value = {
      rule: 'WINDOW_OPEN',
      window: W,
      notes: [
        null,
        'x',
        { code: 'DENIED', source: 'NOPE', who: 'Acme' },
        { code: 'NOT_QUALIFYING', withinMonths: '6', minContractMonths: 12 },
        { code: 'NOT_QUALIFYING', withinMonths: 6, minContractMonths: 12, requiresSocialInsurance: true, reasons: [{ code: 'WHATEVER', signedOn: '2026-05-01' }] },
        { code: 'SELF_REPORT_UNCONFIRMED', who: 'Acme' },
      ],
    };
    expect(describeEmploymentEvidence(value)?.notes).toEqual([
      {
        zh: 'Acme的本人申报尚未经企业确认,不能作为就业或享受上浮补贴的依据',
        en: 'The self-report for Acme is not confirmed by the employer yet, so it is not evidence of employment or of the uplift',
      },
    ]);
  });

  it('does not throw on an object that throws when read', () => {
    const hostile = Object.defineProperty({}, 'rule', {
      get() {
        throw new Error('boom');
      },
    });
    expect(describeEmploymentEvidence(hostile)).toBeNull();
  });
});

describe('the date helpers on the hot path (read in place, same answers)', () => {
  it.each<[string, unknown, boolean]>([
    ['a leap day of a year divisible by 400', '2000-02-29', true],
    ['a leap day of a century year', '1900-02-29', false],
    ['a leap day of a leap year', '2024-02-29', true],
    ['29 February of a common year', '2026-02-29', false],
    ['30 April', '2026-04-30', true],
    ['31 April', '2026-04-31', false],
    ['31 December', '2026-12-31', true],
    ['year 0000', '0000-01-01', true],
    ['year 9999', '9999-12-31', true],
    ['a one-digit month', '2026-1-01', false],
    ['full-width digits', '２０２６-01-01', false],
    ['a full-width hyphen', '2026－01－01', false],
    ['the empty string', '', false],
    ['month 13', '2026-13-01', false],
    ['month 00', '2026-00-10', false],
    ['day 00', '2026-01-00', false],
    ['day 32', '2026-01-32', false],
    ['no hyphens', '20260101', false],
    ['slashes', '2026/01/01', false],
    ['a trailing newline', '2026-01-01\n', false],
    ['a leading space', ' 2026-01-01', false],
    ['a time', '2026-01-01T00:00', false],
    ['a sign', '+2026-01-01', false],
    ['letters', '2026-0a-01', false],
    ['a number', 20260101, false],
    ['null', null, false],
    ['undefined', undefined, false],
  ])('%s (%j) → %s', (_name, value, valid) => {
    expect(isCalendarDate(value as string)).toBe(valid);
    if (valid) expect(() => assertCalendarDate(value as string, 'd')).not.toThrow();
    else expect(() => assertCalendarDate(value as string, 'd')).toThrow(expect.objectContaining({ code: 'VALIDATION', details: { field: 'd' } }));
  });

  it.each<[unknown, boolean]>([
    ['202601', true],
    ['202612', true],
    ['000001', true],
    ['202600', false],
    ['202613', false],
    ['2026-01', false],
    ['20261', false],
    ['2026011', false],
    ['２０２６01', false],
    ['202601\n', false],
    ['', false],
    [202601, true], // as the RegExp read it: the number's digits
    [null, false],
  ])('isMonthKey(%j) → %s', (value, ok) => {
    expect(isMonthKey(value as string)).toBe(ok);
  });

  it.each([
    ['2026-09-30', '202609'],
    ['0001-01-01', '000101'],
    ['2000-02-29', '200002'],
  ])('monthKeyOf(%s) → %s', (date, key) => {
    expect(monthKeyOf(date)).toBe(key);
  });

  it('monthKeyOf rejects what is not a date', () => {
    expect(() => monthKeyOf('2026-13-01')).toThrow(expect.objectContaining({ code: 'VALIDATION', details: { field: 'date' } }));
  });

  it.each<[string, number, string]>([
    ['2026-03-31', 1, '2026-04-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2000-02-28', 1, '2000-02-29'],
    ['1900-02-28', 1, '1900-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2027-01-01', -1, '2026-12-31'],
    ['2026-01-15', 0, '2026-01-15'],
    ['2026-01-15', 365, '2027-01-15'],
    ['2024-01-15', 366, '2025-01-15'],
    ['2026-01-15', -40_000, '1916-07-11'],
    ['9999-12-31', -1, '9999-12-30'],
    ['0100-03-01', -1, '0100-02-28'],
    // Date.UTC reads years 0–99 as 1900–1999; addDays kept that, as it always did.
    ['0050-01-01', 1, '1950-01-02'],
  ])('addDays(%s, %i) → %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it('addDays agrees with Date for every day of 1999–2030 (± a day, a year)', () => {
    for (let t = Date.UTC(1999, 0, 1); t <= Date.UTC(2030, 11, 31); t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      for (const days of [1, -1, 366, -366]) expect(addDays(date, days)).toBe(new Date(t + days * 86_400_000).toISOString().slice(0, 10));
    }
  });

  it('daysInMonth', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2026, m))).toEqual([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(1900, 2)).toBe(28);
  });
});
