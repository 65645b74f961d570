import { DomainError, type LocalizedText } from './errors';
import { addDays, addMonthsClamped, assertCalendarDate, contractMonths, isMonthKey, monthKeyOf, windowEnd } from './subsidy/dates';
import { findQualifyingEmployment } from './subsidy/eligibility';
import type { EmploymentEvidence } from './subsidy/facts';
import type { ClassHourRules, EmploymentCondition } from './subsidy/rules';

/**
 * Employment outcomes after training (就业跟踪): one decision per checkpoint of an enrollment
 * (e.g. 3 and 6 months after completion), from the evidence rows gathered by core. Pure: no I/O,
 * no clock (`today` is a parameter).
 *
 * - The window of a checkpoint runs from the completion date to the checkpoint date (completion +
 *   N months, clamped to the month's end, both days included: 31 March + 6 months = 30 September).
 * - QUALIFIED (the Bayannur uplift, a CLASS_HOUR policy's `employmentUplift` condition): a labour
 *   contract of at least `minContractMonths` whole months (open-ended counts) signed within
 *   `withinMonths` after completion (and by the checkpoint), with social insurance paid by that
 *   employer between the signing month and the window's last month when the policy requires it.
 *   Decided at once, whatever the day: the window may still be open.
 * - EMPLOYED: any contribution month (any employer) from the completion month to the checkpoint
 *   month, or a confirmed employment record covering the checkpoint date. Final only once the
 *   window has closed (today after the checkpoint): until then it may still become QUALIFIED.
 * - NOT_EMPLOYED: the window closed without either. PENDING: the window is open, nothing yet.
 * Which records count: a labour-contract filing (劳动合同备案) and an employer confirmation count unless
 * denied; a self-report (本人申报) counts only once the employer CONFIRMED it; denied records never count.
 * A contract's signing date is its start date (the record has no separate signing date).
 * Two employers: the qualifying contract signed first wins (the one the uplift line is computed
 * from); otherwise the employment with the longest contract, then the most contribution months,
 * then the smallest credit code — deterministic whatever the order the rows arrive in.
 */

export const EMPLOYMENT_CHECK_STATUSES = ['PENDING', 'EMPLOYED', 'QUALIFIED', 'NOT_EMPLOYED'] as const;
export type EmploymentCheckStatus = (typeof EMPLOYMENT_CHECK_STATUSES)[number];

export const EVIDENCE_SOURCES = ['LABOUR_CONTRACT', 'SOCIAL_INSURANCE', 'EMPLOYER_CONFIRMATION', 'SELF_REPORTED'] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];
export type EvidenceConfirmation = 'UNCONFIRMED' | 'CONFIRMED' | 'DENIED';

/** Checkpoints (months after completion) when no policy names one: 3 and 6 months. */
export const DEFAULT_CHECKPOINT_MONTHS: readonly number[] = [3, 6];
/** Reminders go out this many days before a window closes, unless the caller says otherwise. */
export const DEFAULT_REMINDER_DAYS = 14;

/** One EmploymentRecord row, dates 'YYYY-MM-DD'. */
export interface EvidenceRecord {
  id: string;
  source: EvidenceSource;
  confirmation: EvidenceConfirmation;
  employerCreditCode: string | null;
  employerName: string | null;
  contractStart: string | null;
  contractEnd: string | null;
  /** Whole months as reported; null with no end = open-ended. */
  contractMonths: number | null;
  monthlyWageFen: number | null;
}

/** One month of social-insurance contributions by an employer (any insurance type). */
export interface ContributionMonth {
  employerCreditCode: string;
  /** 'YYYYMM'. */
  month: string;
  wageBaseFen?: number | null;
}

export interface EmploymentRules {
  /** The qualifying condition (the CLASS_HOUR policy's employment uplift); null: no uplift in force, nothing is QUALIFIED. */
  qualifying: EmploymentCondition | null;
}

/** The rules from the CLASS_HOUR policy in force for the class (its `employmentUplift`), or none. */
export function employmentRulesOf(classHour: Pick<ClassHourRules, 'employmentUplift'> | null): EmploymentRules {
  const u = classHour?.employmentUplift ?? null;
  return { qualifying: u ? { withinMonths: u.withinMonths, minContractMonths: u.minContractMonths, requiresSocialInsurance: u.requiresSocialInsurance } : null };
}

export interface DecideEmploymentInput {
  completedOn: string;
  checkpointMonths: number;
  dueOn: string;
  today: string;
  records: readonly EvidenceRecord[];
  contributions: readonly ContributionMonth[];
  rules: EmploymentRules;
}

export type ExplanationNote = LocalizedText;

export interface EmploymentDecisionEvidence extends LocalizedText {
  /** The rule that decided: QUALIFYING_CONTRACT, CONTRIBUTIONS_IN_WINDOW, RECORD_COVERS_CHECKPOINT, WINDOW_OPEN, WINDOW_CLOSED. */
  rule: string;
  window: { from: string; to: string };
  /** The record the decision rests on, if any. */
  recordId: string | null;
  source: EvidenceSource | null;
  /** Contribution months (YYYYMM) of the chosen employer within the window. */
  contributionMonths: string[];
  /** Why other evidence did not count (unconfirmed self-report, denied, too short, no insurance …). */
  notes: ExplanationNote[];
}

export interface EmploymentDecision {
  status: EmploymentCheckStatus;
  /** Final: the check is decided and never changes again. */
  final: boolean;
  evidence: EmploymentDecisionEvidence;
  employerCreditCode: string | null;
  contractMonths: number | null;
  monthlyWageFen: number | null;
}

const invalid = (field: string, zh: string, en: string) => new DomainError('VALIDATION', { zh, en }, { field });

/** The checkpoint dates of a completion: completion + N months for each N, clamped (31 March + 6 → 30 September). */
export function checkpointDates(completedOn: string, months: readonly number[]): Array<{ checkpointMonths: number; dueOn: string }> {
  assertCalendarDate(completedOn, 'completedOn');
  const seen = new Set<number>();
  for (const m of months) {
    if (!Number.isInteger(m) || m < 1 || m > 60) throw invalid('checkpointMonths', `检查点月数须为1至60的整数:${m}`, `A checkpoint must be 1 to 60 whole months: ${m}`);
    seen.add(m);
  }
  return [...seen].sort((a, b) => a - b).map((m) => ({ checkpointMonths: m, dueOn: windowEnd(completedOn, m) }));
}

/** Is a reminder due today for a window closing on `dueOn`? From `days` days before it until the day itself. */
export function reminderDue(dueOn: string, today: string, days: number = DEFAULT_REMINDER_DAYS): boolean {
  assertCalendarDate(dueOn, 'dueOn');
  assertCalendarDate(today, 'today');
  return today <= dueOn && today >= addDays(dueOn, -days);
}

/** The last day a record's contract runs: its end, else start + months − 1 day, else null (open-ended). */
export function contractEndOf(r: Pick<EvidenceRecord, 'contractStart' | 'contractEnd' | 'contractMonths'>): string | null {
  if (r.contractEnd) return r.contractEnd;
  if (r.contractStart && r.contractMonths !== null) return addDays(addMonthsClamped(r.contractStart, r.contractMonths), -1);
  return null;
}

const SOURCE_TEXT: Record<EvidenceSource, LocalizedText> = {
  LABOUR_CONTRACT: { zh: '劳动合同备案', en: 'labour-contract filing' },
  SOCIAL_INSURANCE: { zh: '社保记录', en: 'social-insurance record' },
  EMPLOYER_CONFIRMATION: { zh: '企业确认', en: 'employer confirmation' },
  SELF_REPORTED: { zh: '本人申报', en: 'self-report' },
};

function who(r: EvidenceRecord): string {
  return r.employerName ?? r.employerCreditCode ?? '?';
}

/** Does the record count as evidence? A self-report only once confirmed; anything denied never. */
export function recordCounts(r: EvidenceRecord): boolean {
  if (r.confirmation === 'DENIED') return false;
  if (r.source === 'SELF_REPORTED') return r.confirmation === 'CONFIRMED';
  return true;
}

const byRecord = (a: EvidenceRecord, b: EvidenceRecord) =>
  cmp(a.contractStart ?? '', b.contractStart ?? '') || cmp(a.employerCreditCode ?? '', b.employerCreditCode ?? '') || cmp(a.id, b.id);

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The contracts the uplift engine reads (EmploymentEvidence of subsidy/facts), from the records
 * that count and have a start date, each with its employer's contribution months. Sorted
 * deterministically; `recordOf` maps each back to its record.
 */
export function contractEvidence(
  records: readonly EvidenceRecord[],
  contributions: readonly ContributionMonth[],
): { evidence: EmploymentEvidence[]; recordOf: Map<EmploymentEvidence, EvidenceRecord> } {
  const recordOf = new Map<EmploymentEvidence, EvidenceRecord>();
  const evidence: EmploymentEvidence[] = [];
  for (const r of [...records].filter((x) => recordCounts(x) && x.contractStart !== null && x.source !== 'SOCIAL_INSURANCE').sort(byRecord)) {
    const months = r.employerCreditCode
      ? [...new Set(contributions.filter((c) => c.employerCreditCode === r.employerCreditCode).map((c) => c.month))].sort()
      : [];
    const e: EmploymentEvidence = {
      employerName: r.employerCreditCode ?? r.employerName,
      signedOn: r.contractStart!,
      startsOn: r.contractStart!,
      endsOn: contractEndOf(r),
      socialInsuranceMonths: months,
    };
    recordOf.set(e, r);
    evidence.push(e);
  }
  return { evidence, recordOf };
}

function validate(input: DecideEmploymentInput): void {
  assertCalendarDate(input.completedOn, 'completedOn');
  assertCalendarDate(input.dueOn, 'dueOn');
  assertCalendarDate(input.today, 'today');
  if (!Number.isInteger(input.checkpointMonths) || input.checkpointMonths < 1) {
    throw invalid('checkpointMonths', `检查点月数须为正整数:${input.checkpointMonths}`, `checkpointMonths must be a positive whole number: ${input.checkpointMonths}`);
  }
  if (input.dueOn <= input.completedOn) throw invalid('dueOn', `检查点${input.dueOn}须晚于结业日期${input.completedOn}`, `The checkpoint ${input.dueOn} must be after completion ${input.completedOn}`);
  for (const [i, r] of input.records.entries()) {
    if (r.contractStart !== null) assertCalendarDate(r.contractStart, `records.${i}.contractStart`);
    if (r.contractEnd !== null) assertCalendarDate(r.contractEnd, `records.${i}.contractEnd`);
    if (r.contractStart !== null && r.contractEnd !== null && r.contractEnd < r.contractStart) {
      throw invalid(`records.${i}.contractEnd`, `合同结束日期${r.contractEnd}早于开始日期${r.contractStart}`, `Contract end ${r.contractEnd} is before its start ${r.contractStart}`);
    }
  }
  for (const [i, c] of input.contributions.entries()) {
    if (!isMonthKey(c.month)) throw invalid(`contributions.${i}.month`, `社保缴费月份须为YYYYMM:${c.month}`, `A contribution month must be YYYYMM: ${c.month}`);
  }
}

/** Decide one checkpoint from its evidence. */
export function decideEmployment(input: DecideEmploymentInput): EmploymentDecision {
  validate(input);
  const { completedOn, dueOn, today, records, contributions, rules } = input;
  const closed = today > dueOn;
  const window = { from: completedOn, to: dueOn };
  const notes: ExplanationNote[] = [];
  for (const r of [...records].sort(byRecord)) {
    if (r.confirmation === 'DENIED') {
      notes.push({ zh: `${who(r)}的${SOURCE_TEXT[r.source].zh}已被企业否认,不计入`, en: `The ${SOURCE_TEXT[r.source].en} for ${who(r)} was denied by the employer and does not count` });
    } else if (r.source === 'SELF_REPORTED' && r.confirmation === 'UNCONFIRMED') {
      notes.push({
        zh: `${who(r)}的本人申报尚未经企业确认,不能作为就业或享受上浮补贴的依据`,
        en: `The self-report for ${who(r)} is not confirmed by the employer yet, so it is not evidence of employment or of the uplift`,
      });
    }
  }
  const { evidence, recordOf } = contractEvidence(records, contributions);
  const wageOf = (code: string | null, r: EvidenceRecord | null): number | null => {
    if (r?.monthlyWageFen != null) return r.monthlyWageFen;
    const bases = contributions.filter((c) => c.employerCreditCode === code && c.wageBaseFen != null && c.month <= monthKeyOf(dueOn)).sort((a, b) => cmp(b.month, a.month));
    return bases[0]?.wageBaseFen ?? null;
  };

  // 1. QUALIFIED: the uplift condition, within the uplift window and by the checkpoint.
  if (rules.qualifying) {
    const q = rules.qualifying;
    const condition: EmploymentCondition = { ...q, withinMonths: Math.min(q.withinMonths, input.checkpointMonths) };
    const found = findQualifyingEmployment(completedOn, evidence, condition);
    if (found.ok) {
      const r = recordOf.get(found.match.evidence)!;
      const code = r.employerCreditCode;
      return {
        status: 'QUALIFIED',
        final: true,
        evidence: {
          rule: 'QUALIFYING_CONTRACT',
          zh: `符合就业后上浮条件(${SOURCE_TEXT[r.source].zh}):${found.steps.map((s) => s.zh).join(';')}`,
          en: `Qualifying employment (${SOURCE_TEXT[r.source].en}): ${found.steps.map((s) => s.en).join('; ')}`,
          window,
          recordId: r.id,
          source: r.source,
          contributionMonths: found.match.evidence.socialInsuranceMonths.filter((m) => m >= monthKeyOf(completedOn) && m <= monthKeyOf(dueOn)),
          notes,
        },
        employerCreditCode: code,
        contractMonths: found.match.contractMonths,
        monthlyWageFen: wageOf(code, r),
      };
    }
    notes.push({ zh: `不符合上浮条件:${found.zh}`, en: `Not qualifying for the uplift: ${found.en}` });
  }

  // 2. EMPLOYED: contributions within the window, or a counted record covering the checkpoint.
  const fromMonth = monthKeyOf(completedOn);
  const toMonth = monthKeyOf(dueOn);
  const inWindow = contributions.filter((c) => c.month >= fromMonth && c.month <= toMonth);
  const monthsBy = new Map<string, Set<string>>();
  for (const c of inWindow) {
    const set = monthsBy.get(c.employerCreditCode) ?? new Set<string>();
    set.add(c.month);
    monthsBy.set(c.employerCreditCode, set);
  }
  const covering = records.filter((r) => {
    if (!recordCounts(r) || r.contractStart === null || r.source === 'SOCIAL_INSURANCE') return false;
    const end = contractEndOf(r);
    return r.contractStart <= dueOn && (end === null || end >= dueOn);
  });
  type Candidate = { code: string | null; record: EvidenceRecord | null; months: string[]; length: number };
  const candidates: Candidate[] = [];
  for (const r of covering) {
    const end = contractEndOf(r);
    const length = end === null ? Number.MAX_SAFE_INTEGER : Math.round((Date.parse(end) - Date.parse(r.contractStart!)) / 86_400_000);
    candidates.push({ code: r.employerCreditCode, record: r, months: [...(monthsBy.get(r.employerCreditCode ?? '') ?? [])].sort(), length });
  }
  for (const [code, months] of monthsBy) {
    if (!candidates.some((c) => c.code === code)) candidates.push({ code, record: null, months: [...months].sort(), length: -1 });
  }
  candidates.sort((a, b) => b.length - a.length || b.months.length - a.months.length || cmp(a.code ?? '', b.code ?? '') || cmp(a.record?.id ?? '', b.record?.id ?? ''));
  const best = candidates[0];
  if (best) {
    const r = best.record;
    const contractMonthsOf = (x: EvidenceRecord | null): number | null => {
      if (!x) return null;
      if (x.contractMonths !== null) return x.contractMonths;
      const end = contractEndOf(x);
      return end === null ? null : contractMonths(x.contractStart!, end);
    };
    const text: LocalizedText = r
      ? {
          zh: `${SOURCE_TEXT[r.source].zh}:${who(r)}的劳动合同(${r.contractStart}至${contractEndOf(r) ?? '无固定期限'})覆盖检查点${dueOn}${best.months.length ? `;结业后缴纳社保${best.months.length}个月` : ''}`,
          en: `${SOURCE_TEXT[r.source].en}: the contract with ${who(r)} (${r.contractStart} to ${contractEndOf(r) ?? 'open-ended'}) covers the checkpoint ${dueOn}${best.months.length ? `; ${best.months.length} month(s) of social insurance after completion` : ''}`,
        }
      : {
          zh: `${best.code}在${fromMonth}至${toMonth}期间为其缴纳社会保险${best.months.length}个月(${best.months.join('、')})`,
          en: `${best.code} paid social insurance for ${best.months.length} month(s) from ${fromMonth} to ${toMonth} (${best.months.join(', ')})`,
        };
    return {
      status: 'EMPLOYED',
      final: closed,
      evidence: {
        rule: r ? 'RECORD_COVERS_CHECKPOINT' : 'CONTRIBUTIONS_IN_WINDOW',
        zh: `已就业:${text.zh}${closed ? '' : '(检查期未结束,仍可能转为符合上浮条件)'}`,
        en: `Employed: ${text.en}${closed ? '' : ' (the window is still open; it may still qualify for the uplift)'}`,
        window,
        recordId: r?.id ?? null,
        source: r?.source ?? null,
        contributionMonths: best.months,
        notes,
      },
      employerCreditCode: best.code,
      contractMonths: contractMonthsOf(r),
      monthlyWageFen: wageOf(best.code, r),
    };
  }

  if (!closed) {
    return {
      status: 'PENDING',
      final: false,
      evidence: {
        rule: 'WINDOW_OPEN',
        zh: `检查期${completedOn}至${dueOn}尚未结束,暂无就业证据`,
        en: `The window ${completedOn} to ${dueOn} is still open; no evidence of employment yet`,
        window,
        recordId: null,
        source: null,
        contributionMonths: [],
        notes,
      },
      employerCreditCode: null,
      contractMonths: null,
      monthlyWageFen: null,
    };
  }
  return {
    status: 'NOT_EMPLOYED',
    final: true,
    evidence: {
      rule: 'WINDOW_CLOSED',
      zh: `检查期${completedOn}至${dueOn}已结束:没有社保缴费记录,也没有经确认的覆盖检查点的劳动合同`,
      en: `The window ${completedOn} to ${dueOn} has closed with no social-insurance contribution and no confirmed contract covering the checkpoint`,
      window,
      recordId: null,
      source: null,
      contributionMonths: [],
      notes,
    },
    employerCreditCode: null,
    contractMonths: null,
    monthlyWageFen: null,
  };
}
