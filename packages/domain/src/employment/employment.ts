import { isCalendarDate } from '../shared/calendar-date';
import { DomainError, type LocalizedText } from '../shared/errors';
import { addDays, addMonthsClamped, assertCalendarDate, contractMonths, isMonthKey, monthKeyOf, windowEnd } from '../subsidy/dates';
import { matchQualifyingEmployment, notQualifyingText, type QualifyingNeed, type QualifyingReason, qualifyingSteps } from '../subsidy/eligibility';
import type { EmploymentEvidence } from '../subsidy/facts';
import { policyInForce, type SubsidyPolicy } from '../subsidy/policy';
import type { ClassHourRules, EmploymentCondition } from '../subsidy/rules';

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

/** A note rendered (describeEmploymentEvidence). */
export type ExplanationNote = LocalizedText;

/** The rule that decided a check. */
export type EmploymentRule = 'QUALIFYING_CONTRACT' | 'CONTRIBUTIONS_IN_WINDOW' | 'RECORD_COVERS_CHECKPOINT' | 'WINDOW_OPEN' | 'WINDOW_CLOSED';

/**
 * The uplift condition not met (the structured refusal of matchQualifyingEmployment). Its window
 * starts at completion (the evidence's `window.from`); `windowEnd` is left out when it is the
 * checkpoint (`window.to`), `reasons` when no contract was looked at.
 */
export interface NotQualifyingNote {
  code: 'NOT_QUALIFYING';
  withinMonths: number;
  minContractMonths: number;
  requiresSocialInsurance: boolean;
  windowEnd?: string;
  reasons?: QualifyingReason[];
}

/** Why other evidence did not count, as data; worded on read. `who`: the employer's name, else its credit code, else '?'. */
export type EvidenceNote = { code: 'DENIED'; source: EvidenceSource; who: string } | { code: 'SELF_REPORT_UNCONFIRMED'; who: string } | NotQualifyingNote;

/**
 * The qualifying contract (QUALIFYING_CONTRACT). `employer` is the label the uplift engine names it
 * by (credit code, else name); absent values: open-ended (`endsOn`, `contractMonths`), no insurance
 * required (`socialInsuranceMonth`), window ending at the checkpoint (`windowEnd`).
 */
export interface QualifyingContractEvidence {
  signedOn: string;
  startsOn: string;
  endsOn?: string;
  employer?: string;
  contractMonths?: number;
  socialInsuranceMonth?: string;
  withinMonths: number;
  minContractMonths: number;
  windowEnd?: string;
}

interface EvidenceBase {
  window: { from: string; to: string };
  /** The record the decision rests on, if any (absent: none). */
  recordId?: string;
  source?: EvidenceSource;
  /** Contribution months (YYYYMM) of the chosen employer within the window (absent: none). */
  contributionMonths?: string[];
  /** Why other evidence did not count (absent: nothing to say). */
  notes?: EvidenceNote[];
}

/**
 * What a decision rests on, stored as it is in EmploymentCheck.evidence (jsonb): codes and the few
 * parameters of the wording, no text — describeEmploymentEvidence renders the zh/en text on read.
 * Keys without a value are left out. `open`: the window had not closed yet (EMPLOYED may still turn QUALIFIED).
 */
export type EmploymentDecisionEvidence =
  | (EvidenceBase & { rule: 'QUALIFYING_CONTRACT'; recordId: string; source: EvidenceSource; match: QualifyingContractEvidence })
  | (EvidenceBase & { rule: 'RECORD_COVERS_CHECKPOINT'; recordId: string; source: EvidenceSource; who: string; startsOn: string; endsOn?: string; open?: true })
  | (EvidenceBase & { rule: 'CONTRIBUTIONS_IN_WINDOW'; employer: string; contributionMonths: string[]; open?: true })
  | (EvidenceBase & { rule: 'WINDOW_OPEN' | 'WINDOW_CLOSED' });

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

/** Does a check get its reminder today? Only once, only while it is PENDING, and only when reminderDue. */
export function reminderWanted(check: { reminded: boolean; status: EmploymentCheckStatus; dueOn: string }, today: string, days: number = DEFAULT_REMINDER_DAYS): boolean {
  return !check.reminded && check.status === 'PENDING' && reminderDue(check.dueOn, today, days);
}

/**
 * The checkpoint (months after completion) a policy adds to DEFAULT_CHECKPOINT_MONTHS for the classes
 * of its region: the window of a CLASS_HOUR policy's employment uplift, or of an OUTCOME policy's
 * employment condition. Null when the policy has no such window or it is a default checkpoint already.
 */
export function policyCheckpointMonths(policy: SubsidyPolicy): number | null {
  const within = policy.kind === 'CLASS_HOUR' ? policy.rules.employmentUplift?.withinMonths : policy.kind === 'OUTCOME' ? policy.rules.employment.withinMonths : undefined;
  if (within === undefined || DEFAULT_CHECKPOINT_MONTHS.includes(within)) return null;
  return within;
}

/**
 * The rules deciding the checks of a class of `regionCode` that started on `basisDate`: the uplift of
 * the CLASS_HOUR policy in force then (policyInForce), or none. When two policies conflict
 * (policyInForce refuses to choose), nothing qualifies until the bureau resolves it.
 */
export function employmentRulesInForce(policies: readonly SubsidyPolicy[], regionCode: string, basisDate: string): EmploymentRules {
  let chosen: SubsidyPolicy | null;
  try {
    chosen = policyInForce(policies, { regionCode, kind: 'CLASS_HOUR', basisDate });
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    chosen = null;
  }
  return employmentRulesOf(chosen?.kind === 'CLASS_HOUR' ? chosen.rules : null);
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
  const counted = records.filter((x) => recordCounts(x) && x.contractStart !== null && x.source !== 'SOCIAL_INSURANCE');
  if (counted.length > 1) counted.sort(byRecord);
  for (const r of counted) {
    const months: string[] = [];
    if (r.employerCreditCode) {
      for (const c of contributions) if (c.employerCreditCode === r.employerCreditCode && !months.includes(c.month)) months.push(c.month);
      months.sort();
    }
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
  const { records, contributions } = input;
  for (let i = 0; i < records.length; i += 1) {
    const r = records[i]!;
    if (r.contractStart !== null) assertCalendarDate(r.contractStart, `records.${i}.contractStart`);
    if (r.contractEnd !== null) assertCalendarDate(r.contractEnd, `records.${i}.contractEnd`);
    if (r.contractStart !== null && r.contractEnd !== null && r.contractEnd < r.contractStart) {
      throw invalid(`records.${i}.contractEnd`, `合同结束日期${r.contractEnd}早于开始日期${r.contractStart}`, `Contract end ${r.contractEnd} is before its start ${r.contractStart}`);
    }
  }
  for (let i = 0; i < contributions.length; i += 1) {
    const c = contributions[i]!;
    if (!isMonthKey(c.month)) throw invalid(`contributions.${i}.month`, `社保缴费月份须为YYYYMM:${c.month}`, `A contribution month must be YYYYMM: ${c.month}`);
  }
}

/** The refusal of the uplift as a note: the window end only when it is not the checkpoint, the reasons only when there are some. */
function notQualifyingNote(need: QualifyingNeed, reasons: QualifyingReason[], dueOn: string): NotQualifyingNote {
  const note: NotQualifyingNote = {
    code: 'NOT_QUALIFYING',
    withinMonths: need.withinMonths,
    minContractMonths: need.minContractMonths,
    requiresSocialInsurance: need.requiresSocialInsurance,
  };
  if (need.windowEnd !== dueOn) note.windowEnd = need.windowEnd;
  if (reasons.length > 0) note.reasons = reasons;
  return note;
}

/**
 * Decide one checkpoint from its evidence. Hot (millions a day): the evidence is data only, no text
 * is built here (describeEmploymentEvidence words it on read).
 */
export function decideEmployment(input: DecideEmploymentInput): EmploymentDecision {
  validate(input);
  const { completedOn, dueOn, today, records, contributions, rules } = input;
  const closed = today > dueOn;
  const window = { from: completedOn, to: dueOn };
  const fromMonth = monthKeyOf(completedOn);
  const toMonth = monthKeyOf(dueOn);
  const notes: EvidenceNote[] = [];
  for (const r of records.length > 1 ? [...records].sort(byRecord) : records) {
    if (r.confirmation === 'DENIED') notes.push({ code: 'DENIED', source: r.source, who: who(r) });
    else if (r.source === 'SELF_REPORTED' && r.confirmation === 'UNCONFIRMED') notes.push({ code: 'SELF_REPORT_UNCONFIRMED', who: who(r) });
  }
  /** The record's wage, else the base of the latest contribution month of `code` up to the checkpoint month. */
  const wageOf = (code: string | null, r: EvidenceRecord | null): number | null => {
    if (r?.monthlyWageFen != null) return r.monthlyWageFen;
    let latest: ContributionMonth | null = null;
    for (const c of contributions) {
      if (c.employerCreditCode === code && c.wageBaseFen != null && c.month <= toMonth && (latest === null || c.month > latest.month)) latest = c;
    }
    return latest?.wageBaseFen ?? null;
  };

  // 1. QUALIFIED: the uplift condition, within the uplift window and by the checkpoint.
  if (rules.qualifying) {
    const q = rules.qualifying;
    const within = Math.min(q.withinMonths, input.checkpointMonths);
    const condition: EmploymentCondition = within === q.withinMonths ? q : { ...q, withinMonths: within };
    const { evidence, recordOf } = contractEvidence(records, contributions);
    const found = matchQualifyingEmployment(completedOn, evidence, condition);
    if (found.ok) {
      const e = found.match.evidence;
      const r = recordOf.get(e)!;
      const code = r.employerCreditCode;
      const { contractMonths: months, socialInsuranceMonth } = found.match;
      const match: QualifyingContractEvidence = {
        signedOn: e.signedOn,
        startsOn: e.startsOn,
        ...(e.endsOn !== null ? { endsOn: e.endsOn } : {}),
        ...(e.employerName ? { employer: e.employerName } : {}),
        ...(months !== null ? { contractMonths: months } : {}),
        ...(socialInsuranceMonth !== null ? { socialInsuranceMonth } : {}),
        withinMonths: found.need.withinMonths,
        minContractMonths: found.need.minContractMonths,
        ...(found.need.windowEnd !== dueOn ? { windowEnd: found.need.windowEnd } : {}),
      };
      const inWindow = e.socialInsuranceMonths.filter((m) => m >= fromMonth && m <= toMonth);
      return {
        status: 'QUALIFIED',
        final: true,
        evidence: withNotes({ rule: 'QUALIFYING_CONTRACT', window, recordId: r.id, source: r.source, ...(inWindow.length > 0 ? { contributionMonths: inWindow } : {}), match }, notes),
        employerCreditCode: code,
        contractMonths: months,
        monthlyWageFen: wageOf(code, r),
      };
    }
    notes.push(notQualifyingNote(found.need, found.reasons, dueOn));
  }

  // 2. EMPLOYED: contributions within the window, or a counted record covering the checkpoint.
  const monthsBy = new Map<string, string[]>();
  for (const c of contributions) {
    if (c.month < fromMonth || c.month > toMonth) continue;
    const months = monthsBy.get(c.employerCreditCode);
    if (months === undefined) monthsBy.set(c.employerCreditCode, [c.month]);
    else if (!months.includes(c.month)) months.push(c.month);
  }
  type Candidate = { code: string | null; record: EvidenceRecord | null; end: string | null; months: string[]; length: number };
  const candidates: Candidate[] = [];
  for (const r of records) {
    if (!recordCounts(r) || r.contractStart === null || r.source === 'SOCIAL_INSURANCE') continue;
    const end = contractEndOf(r);
    if (!(r.contractStart <= dueOn && (end === null || end >= dueOn))) continue;
    const length = end === null ? Number.MAX_SAFE_INTEGER : Math.round((Date.parse(end) - Date.parse(r.contractStart)) / 86_400_000);
    const months = monthsBy.get(r.employerCreditCode ?? '');
    candidates.push({ code: r.employerCreditCode, record: r, end, months: months ? [...months].sort() : [], length });
  }
  for (const [code, months] of monthsBy) {
    if (!candidates.some((c) => c.code === code)) candidates.push({ code, record: null, end: null, months: months.sort(), length: -1 });
  }
  if (candidates.length > 1) {
    candidates.sort((a, b) => b.length - a.length || b.months.length - a.months.length || cmp(a.code ?? '', b.code ?? '') || cmp(a.record?.id ?? '', b.record?.id ?? ''));
  }
  const best = candidates[0];
  if (best) {
    const r = best.record;
    let evidence: EmploymentDecisionEvidence;
    let months: number | null = null;
    if (r) {
      const ev: EmploymentDecisionEvidence = { rule: 'RECORD_COVERS_CHECKPOINT', window, recordId: r.id, source: r.source, who: who(r), startsOn: r.contractStart! };
      if (best.end !== null) ev.endsOn = best.end;
      if (best.months.length > 0) ev.contributionMonths = best.months;
      if (!closed) ev.open = true;
      evidence = ev;
      months = r.contractMonths !== null ? r.contractMonths : best.end === null ? null : contractMonths(r.contractStart!, best.end);
    } else {
      const ev: EmploymentDecisionEvidence = { rule: 'CONTRIBUTIONS_IN_WINDOW', window, employer: best.code!, contributionMonths: best.months };
      if (!closed) ev.open = true;
      evidence = ev;
    }
    return {
      status: 'EMPLOYED',
      final: closed,
      evidence: withNotes(evidence, notes),
      employerCreditCode: best.code,
      contractMonths: months,
      monthlyWageFen: wageOf(best.code, r),
    };
  }

  return {
    status: closed ? 'NOT_EMPLOYED' : 'PENDING',
    final: closed,
    evidence: withNotes({ rule: closed ? 'WINDOW_CLOSED' : 'WINDOW_OPEN', window }, notes),
    employerCreditCode: null,
    contractMonths: null,
    monthlyWageFen: null,
  };
}

function withNotes<E extends EmploymentDecisionEvidence>(evidence: E, notes: EvidenceNote[]): E {
  if (notes.length > 0) evidence.notes = notes;
  return evidence;
}

// ───────────────────────────── the evidence, worded on read ─────────────────────────────

/** A check's evidence in words: the rule, its explanation and the notes, in Chinese and English. */
export interface EmploymentEvidenceText {
  rule: string;
  zh: string;
  en: string;
  notes: ExplanationNote[];
}

const STILL_OPEN: LocalizedText = { zh: '(检查期未结束,仍可能转为符合上浮条件)', en: ' (the window is still open; it may still qualify for the uplift)' };
const NO_SUFFIX: LocalizedText = { zh: '', en: '' };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDate = (v: unknown): v is string => typeof v === 'string' && isCalendarDate(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isSource = (v: unknown): v is EvidenceSource => typeof v === 'string' && (EVIDENCE_SOURCES as readonly string[]).includes(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isMonth = (v: unknown): v is string => typeof v === 'string' && isMonthKey(v);
/** An optional key: absent (or null, as older JSON may hold) → null; present and not what `ok` wants → undefined (invalid). */
function optional<T>(v: unknown, ok: (x: unknown) => x is T): T | null | undefined {
  if (v === undefined || v === null) return null;
  return ok(v) ? v : undefined;
}

function readReason(v: unknown): QualifyingReason | null {
  if (!isObject(v) || !isDate(v.signedOn)) return null;
  const employer = optional(v.employer, isString);
  if (employer === undefined) return null;
  const base = employer === null ? { signedOn: v.signedOn } : { signedOn: v.signedOn, employer };
  if (v.code === 'NOT_WITHIN' || v.code === 'NO_SOCIAL_INSURANCE') return { code: v.code, ...base };
  if (v.code === 'TOO_SHORT' && isCount(v.contractMonths)) return { code: 'TOO_SHORT', ...base, contractMonths: v.contractMonths };
  return null;
}

/** The uplift condition a note or a match names, with its window (from completion to `windowEnd`, else the checkpoint). */
function readNeed(v: Json, window: { from: string; to: string }): QualifyingNeed | null {
  const end = optional(v.windowEnd, isDate);
  if (!isCount(v.withinMonths) || !isCount(v.minContractMonths) || end === undefined) return null;
  return {
    completedOn: window.from,
    windowEnd: end ?? window.to,
    withinMonths: v.withinMonths,
    minContractMonths: v.minContractMonths,
    requiresSocialInsurance: v.requiresSocialInsurance === true,
  };
}

function renderNote(v: unknown, window: { from: string; to: string } | null): ExplanationNote | null {
  if (!isObject(v)) return null;
  if (typeof v.zh === 'string' && typeof v.en === 'string') return { zh: v.zh, en: v.en }; // written before the structured form
  switch (v.code) {
    case 'DENIED': {
      if (!isSource(v.source) || typeof v.who !== 'string') return null;
      const s = SOURCE_TEXT[v.source];
      return { zh: `${v.who}的${s.zh}已被企业否认,不计入`, en: `The ${s.en} for ${v.who} was denied by the employer and does not count` };
    }
    case 'SELF_REPORT_UNCONFIRMED':
      if (typeof v.who !== 'string') return null;
      return {
        zh: `${v.who}的本人申报尚未经企业确认,不能作为就业或享受上浮补贴的依据`,
        en: `The self-report for ${v.who} is not confirmed by the employer yet, so it is not evidence of employment or of the uplift`,
      };
    case 'NOT_QUALIFYING': {
      const need = window && readNeed(v, window);
      const list = optional(v.reasons, Array.isArray);
      if (!need || list === undefined) return null;
      const reasons: QualifyingReason[] = [];
      for (const x of list ?? []) {
        const reason = readReason(x);
        if (!reason) return null;
        reasons.push(reason);
      }
      const text = notQualifyingText(need, reasons);
      return { zh: `不符合上浮条件:${text.zh}`, en: `Not qualifying for the uplift: ${text.en}` };
    }
    default:
      return null;
  }
}

/** The main text of a structured evidence, or null when its rule or its data is not understood. */
function renderMain(v: Json, rule: string, window: { from: string; to: string }): LocalizedText | null {
  const { from, to } = window;
  const open = v.open === true ? STILL_OPEN : NO_SUFFIX;
  const months = optional(v.contributionMonths, isStrings);
  if (months === undefined) return null;
  switch (rule) {
    case 'WINDOW_OPEN':
      return { zh: `检查期${from}至${to}尚未结束,暂无就业证据`, en: `The window ${from} to ${to} is still open; no evidence of employment yet` };
    case 'WINDOW_CLOSED':
      return {
        zh: `检查期${from}至${to}已结束:没有社保缴费记录,也没有经确认的覆盖检查点的劳动合同`,
        en: `The window ${from} to ${to} has closed with no social-insurance contribution and no confirmed contract covering the checkpoint`,
      };
    case 'CONTRIBUTIONS_IN_WINDOW': {
      if (typeof v.employer !== 'string' || !months) return null;
      const fromMonth = monthKeyOf(from);
      const toMonth = monthKeyOf(to);
      return {
        zh: `已就业:${v.employer}在${fromMonth}至${toMonth}期间为其缴纳社会保险${months.length}个月(${months.join('、')})${open.zh}`,
        en: `Employed: ${v.employer} paid social insurance for ${months.length} month(s) from ${fromMonth} to ${toMonth} (${months.join(', ')})${open.en}`,
      };
    }
    case 'RECORD_COVERS_CHECKPOINT': {
      const end = optional(v.endsOn, isDate);
      if (!isSource(v.source) || typeof v.who !== 'string' || !isDate(v.startsOn) || end === undefined) return null;
      const s = SOURCE_TEXT[v.source];
      const n = months?.length ?? 0;
      return {
        zh: `已就业:${s.zh}:${v.who}的劳动合同(${v.startsOn}至${end ?? '无固定期限'})覆盖检查点${to}${n ? `;结业后缴纳社保${n}个月` : ''}${open.zh}`,
        en: `Employed: ${s.en}: the contract with ${v.who} (${v.startsOn} to ${end ?? 'open-ended'}) covers the checkpoint ${to}${n ? `; ${n} month(s) of social insurance after completion` : ''}${open.en}`,
      };
    }
    case 'QUALIFYING_CONTRACT': {
      const m = v.match;
      if (!isSource(v.source) || !isObject(m) || !isDate(m.signedOn) || !isDate(m.startsOn)) return null;
      const need = readNeed(m, window);
      const endsOn = optional(m.endsOn, isDate);
      const employer = optional(m.employer, isString);
      const contract = optional(m.contractMonths, isCount);
      const siMonth = optional(m.socialInsuranceMonth, isMonth);
      if (!need || endsOn === undefined || employer === undefined || contract === undefined || siMonth === undefined) return null;
      const steps = qualifyingSteps(need, { signedOn: m.signedOn, startsOn: m.startsOn, endsOn, employer, contractMonths: contract, socialInsuranceMonth: siMonth });
      const s = SOURCE_TEXT[v.source];
      return {
        zh: `符合就业后上浮条件(${s.zh}):${steps.map((x) => x.zh).join(';')}`,
        en: `Qualifying employment (${s.en}): ${steps.map((x) => x.en).join('; ')}`,
      };
    }
    default:
      return null;
  }
}

/**
 * The words of a check's stored evidence (EmploymentCheck.evidence): exactly the texts decided
 * checks have always shown. Pure; the JSON is untrusted, so it never throws: null for nothing (or
 * not an object with a rule), empty texts for a shape it does not know. Evidence written before the
 * structured form (with its own `zh`/`en`) is shown as stored.
 */
export function describeEmploymentEvidence(evidence: unknown): EmploymentEvidenceText | null {
  try {
    if (!isObject(evidence)) return null;
    const rule = typeof evidence.rule === 'string' ? evidence.rule : null;
    const w = evidence.window;
    const window = isObject(w) && isDate(w.from) && isDate(w.to) ? { from: w.from, to: w.to } : null;
    const notes: ExplanationNote[] = [];
    if (Array.isArray(evidence.notes)) {
      for (const n of evidence.notes) {
        const text = renderNote(n, window);
        if (text) notes.push(text);
      }
    }
    if (typeof evidence.zh === 'string' && typeof evidence.en === 'string') return { rule: rule ?? '', zh: evidence.zh, en: evidence.en, notes };
    if (rule === null) return null;
    const main = window && renderMain(evidence, rule, window);
    return { rule, zh: main?.zh ?? '', en: main?.en ?? '', notes };
  } catch {
    return null;
  }
}
