import { DomainError } from '../shared/errors';
import { regionCovers, regionLevel, type RegionLevel } from '../identifiers/region-code';
import { isCalendarDate } from '../shared/calendar-date';
import { addDays, assertCalendarDate } from './dates';

/**
 * The review of a subsidy claim (补贴审核), as an explicit state machine:
 *   SUBMITTED → UNDER_REVIEW (county bureau starts the review) → line decisions (REVIEW)
 *   UNDER_REVIEW → PUBLIC_NOTICE (city bureau approves; 公示 for 5 working days)
 *   PUBLIC_NOTICE → APPROVED (the notice has ended without an upheld objection)
 *   APPROVED → PAID
 *   SUBMITTED | UNDER_REVIEW → REJECTED (at review or at approval, with a reason)
 * REVIEW decides every line in one step and leaves the claim UNDER_REVIEW for approval.
 * Who acts: a bureau covering the claim's region at one of the configured levels per step. The
 * levels are data: `rules.review` of the policy version the claim was computed under (read by
 * domain/subsidy/rules.ts), DEFAULT_CLAIM_ACTION_LEVELS when the policy has none.
 */
export type ClaimWorkflowStatus =
  | 'DRAFT'
  | 'SUBMITTED'
  | 'UNDER_REVIEW'
  | 'PUBLIC_NOTICE'
  | 'APPROVED'
  | 'REJECTED'
  | 'PAID'
  | 'WITHDRAWN';

export type ClaimAction = 'REVIEW' | 'APPROVE' | 'REJECT' | 'CLOSE_NOTICE' | 'PAY';

interface ClaimTransition {
  from: readonly ClaimWorkflowStatus[];
  to: ClaimWorkflowStatus;
}

export const CLAIM_TRANSITIONS: Readonly<Record<ClaimAction, ClaimTransition>> = {
  REVIEW: { from: ['SUBMITTED'], to: 'UNDER_REVIEW' },
  APPROVE: { from: ['UNDER_REVIEW'], to: 'PUBLIC_NOTICE' },
  REJECT: { from: ['SUBMITTED', 'UNDER_REVIEW'], to: 'REJECTED' },
  CLOSE_NOTICE: { from: ['PUBLIC_NOTICE'], to: 'APPROVED' },
  PAY: { from: ['APPROVED'], to: 'PAID' },
};

/**
 * Bureau levels allowed to fire each action (a bureau must also cover the claim's region).
 * REJECT takes the levels of the step it happens at: REVIEW from SUBMITTED, APPROVE from UNDER_REVIEW.
 */
export type ClaimActionLevels = Readonly<Record<Exclude<ClaimAction, 'REJECT'>, readonly RegionLevel[]>>;

/** The step whose levels decide who may fire `action` on a claim in state `from`. */
export function claimStepOf(action: ClaimAction, from: ClaimWorkflowStatus): Exclude<ClaimAction, 'REJECT'> {
  if (action !== 'REJECT') return action;
  return from === 'UNDER_REVIEW' ? 'APPROVE' : 'REVIEW';
}

/**
 * County review, city approval: the levels of every policy without `rules.review`. Policies
 * published before the levels were data are read with these, so changing them would change who
 * may act on those policies' claims: a different practice goes into a policy's `rules.review`.
 */
export const DEFAULT_CLAIM_ACTION_LEVELS: ClaimActionLevels = {
  REVIEW: ['COUNTY', 'CITY', 'PROVINCE'],
  APPROVE: ['CITY', 'PROVINCE'],
  CLOSE_NOTICE: ['CITY', 'PROVINCE'],
  PAY: ['CITY', 'PROVINCE'],
};

/** Region levels from the lowest up. */
export const REGION_LEVELS: readonly RegionLevel[] = ['COUNTY', 'CITY', 'PROVINCE'];

/** 0 for a county, 1 for a city, 2 for a province. */
export function regionLevelRank(level: RegionLevel): number {
  return REGION_LEVELS.indexOf(level);
}

/** The keys of `rules.review` in a policy, and the step each one configures. */
export const CLAIM_REVIEW_RULE_KEYS = { review: 'REVIEW', approve: 'APPROVE', closeNotice: 'CLOSE_NOTICE', pay: 'PAY' } as const;
export type ClaimReviewRuleKey = keyof typeof CLAIM_REVIEW_RULE_KEYS;

/** Working days of the public notice (公示期). */
export const PUBLIC_NOTICE_WORKING_DAYS = 5;

const STATUS_ZH: Record<ClaimWorkflowStatus, string> = {
  DRAFT: '草稿',
  SUBMITTED: '已提交',
  UNDER_REVIEW: '审核中',
  PUBLIC_NOTICE: '公示中',
  APPROVED: '已核准',
  REJECTED: '已驳回',
  PAID: '已拨付',
  WITHDRAWN: '已撤回',
};
const ACTION_ZH: Record<ClaimAction, string> = {
  REVIEW: '审核',
  APPROVE: '审批',
  REJECT: '驳回',
  CLOSE_NOTICE: '结束公示',
  PAY: '拨付',
};

/** The status after `action`, or INVALID_TRANSITION naming the current state. */
export function claimTransition(from: ClaimWorkflowStatus, action: ClaimAction): ClaimWorkflowStatus {
  const t = CLAIM_TRANSITIONS[action];
  if (!t.from.includes(from)) {
    throw new DomainError(
      'INVALID_TRANSITION',
      {
        zh: `补贴申领当前状态为“${STATUS_ZH[from]}”,不能${ACTION_ZH[action]}`,
        en: `A claim in state ${from} cannot take ${action} (allowed from ${t.from.join(', ')})`,
      },
      { from, action },
    );
  }
  return t.to;
}

export function allowedClaimActions(from: ClaimWorkflowStatus): ClaimAction[] {
  return (Object.keys(CLAIM_TRANSITIONS) as ClaimAction[]).filter((a) => CLAIM_TRANSITIONS[a].from.includes(from));
}

/**
 * Whether a bureau at `bureauRegionCode` may fire `action` on a claim of `claimRegionCode`: it covers
 * the claim's region and its level is one of the configured levels for the action.
 */
export function mayActOnClaim(
  bureauRegionCode: string,
  claimRegionCode: string,
  action: Exclude<ClaimAction, 'REJECT'>,
  levels: ClaimActionLevels = DEFAULT_CLAIM_ACTION_LEVELS,
): boolean {
  if (!regionCovers(bureauRegionCode, claimRegionCode)) return false;
  return levels[action].includes(regionLevel(bureauRegionCode));
}

/** Throws FORBIDDEN unless one of the bureau regions may fire `action` on the claim. */
export function assertMayActOnClaim(
  bureauRegionCodes: readonly string[],
  claimRegionCode: string,
  action: Exclude<ClaimAction, 'REJECT'>,
  levels: ClaimActionLevels = DEFAULT_CLAIM_ACTION_LEVELS,
): void {
  if (bureauRegionCodes.some((r) => mayActOnClaim(r, claimRegionCode, action, levels))) return;
  const allowed = levels[action];
  throw new DomainError(
    'FORBIDDEN',
    {
      zh: `只有辖区内${allowed.map(levelZh).join('、')}人社部门可以${ACTION_ZH[action]}此补贴申领`,
      en: `Only a ${allowed.join('/').toLowerCase()} bureau covering the claim's region may ${action.toLowerCase().replace('_', ' ')} it`,
    },
    { action, levels: [...allowed] },
  );
}

function levelZh(l: RegionLevel): string {
  return { PROVINCE: '省级', CITY: '市级', COUNTY: '县级' }[l];
}

function isWeekend(date: string): boolean {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow === 0 || dow === 6;
}

/**
 * The working-day calendar as data (CalendarDay rows): `holidays` are days off that would otherwise
 * be working days (statutory holidays on a weekday), `extraWorkdays` are weekend days made working
 * days (调休). Both are published by the State Council each year; this module cannot know them.
 */
export interface WorkingCalendar {
  readonly holidays: readonly string[];
  readonly extraWorkdays: readonly string[];
}

/** Weekends only: no holidays, no make-up working days. */
export const WEEKENDS_ONLY: WorkingCalendar = { holidays: [], extraWorkdays: [] };

/**
 * Calendar days to load after a notice's first day: a 5-working-day notice never spans more (the
 * longest PRC holiday is 9 days, plus weekends).
 */
export const CALENDAR_LOOKAHEAD_DAYS = 40;

/** A working day: a make-up working day (调休), or a weekday that is not a holiday. */
export function isWorkingDay(date: string, calendar: WorkingCalendar = WEEKENDS_ONLY): boolean {
  if (calendar.extraWorkdays.includes(date)) return true;
  return !isWeekend(date) && !calendar.holidays.includes(date);
}

/**
 * `date` plus `n` working days (n ≥ 0), by the calendar: weekends and holidays are skipped, make-up
 * working days (调休) count. The start day itself is not counted:
 * Friday 2026-11-20 + 5 working days = Friday 2026-11-27.
 */
export function addWorkingDays(date: string, n: number, calendar: WorkingCalendar = WEEKENDS_ONLY): string {
  assertCalendarDate(date, 'date');
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number ≥ 0 (got ${n})`);
  const holidays = new Set(calendar.holidays);
  const extra = new Set(calendar.extraWorkdays);
  let d = date;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (extra.has(d) || (!isWeekend(d) && !holidays.has(d))) left -= 1;
  }
  return d;
}

/** The notice window: it starts on `startsOn` and ends `PUBLIC_NOTICE_WORKING_DAYS` working days later. */
export function publicNoticeWindow(startsOn: string, calendar: WorkingCalendar = WEEKENDS_ONLY): { startsOn: string; endsOn: string } {
  return { startsOn, endsOn: addWorkingDays(startsOn, PUBLIC_NOTICE_WORKING_DAYS, calendar) };
}

export interface CalendarDayInput {
  date: string;
  workday: boolean;
  name: string;
  source?: string | null;
}

/**
 * A calendar day as entered by an administrator, checked: a real date; a make-up working day
 * (workday = true) must fall on a Saturday or Sunday; a day off may be any day (the whole holiday
 * period is kept, weekends included, so it reads like the published notice); a name of 1–50
 * characters; an optional source of up to 200. `row` names the entry in error details.
 */
export function validateCalendarDay(input: CalendarDayInput, row = 0): { date: string; workday: boolean; name: string; source: string | null } {
  if (!isCalendarDate(input.date)) {
    throw new DomainError('VALIDATION', { zh: `第${row + 1}行日期无效(应为YYYY-MM-DD)`, en: `Row ${row + 1}: ${input.date} is not a date (YYYY-MM-DD)` }, { field: 'date', row });
  }
  if (input.workday && !isWeekend(input.date)) {
    throw new DomainError(
      'VALIDATION',
      { zh: `第${row + 1}行:${input.date}本就是工作日,调休上班日只能是周六或周日`, en: `Row ${row + 1}: ${input.date} is a weekday; a make-up working day must be a Saturday or Sunday` },
      { field: 'workday', row },
    );
  }
  const name = input.name.trim();
  if (name.length < 1 || name.length > 50) {
    throw new DomainError('VALIDATION', { zh: `第${row + 1}行请填写节日名称(1–50字)`, en: `Row ${row + 1}: give the holiday name (1–50 characters)` }, { field: 'name', row });
  }
  const source = input.source?.trim() || null;
  if (source && source.length > 200) {
    throw new DomainError('VALIDATION', { zh: `第${row + 1}行来源过长(最多200字)`, en: `Row ${row + 1}: the source is longer than 200 characters` }, { field: 'source', row });
  }
  return { date: input.date, workday: input.workday, name, source };
}

/** A notice may be closed only after its last day: `today` > `endsOn`. Throws INVALID_TRANSITION otherwise. */
export function assertNoticeEnded(endsOn: string, today: string): void {
  assertCalendarDate(today, 'today');
  if (today <= endsOn) {
    throw new DomainError(
      'INVALID_TRANSITION',
      { zh: `公示期至${endsOn}结束,尚不能结束公示`, en: `The public notice runs until ${endsOn}; it cannot be closed on ${today}` },
      { endsOn, today },
    );
  }
}

// ───────────── objections during the public notice (公示异议) ─────────────

/**
 * An objection may be recorded only while the claim is on public notice and the notice has not
 * ended (`today` ≤ `endsOn`). Throws INVALID_TRANSITION naming why.
 */
export function assertObjectionWindow(status: ClaimWorkflowStatus, endsOn: string | null, today: string): void {
  assertCalendarDate(today, 'today');
  if (status !== 'PUBLIC_NOTICE' || !endsOn) {
    throw new DomainError(
      'INVALID_TRANSITION',
      { zh: `补贴申领当前状态为“${STATUS_ZH[status]}”,只有公示期间可以登记异议`, en: `Objections are recorded only during the public notice (the claim is ${status})` },
      { field: 'claimId', status },
    );
  }
  if (today > endsOn) {
    throw new DomainError(
      'INVALID_TRANSITION',
      { zh: `公示期已于${endsOn}结束,不能再登记异议`, en: `The public notice ended on ${endsOn}; objections can no longer be recorded` },
      { field: 'claimId', endsOn, today },
    );
  }
}

/** Closing the notice is refused while any objection is still open. */
export function assertNoOpenObjections(openObjectionIds: readonly string[]): void {
  if (openObjectionIds.length === 0) return;
  throw new DomainError(
    'CONFLICT',
    { zh: `还有${openObjectionIds.length}条公示异议未处理,不能结束公示`, en: `${openObjectionIds.length} objection(s) are still open; resolve them before closing the notice` },
    { field: 'objections', objectionIds: [...openObjectionIds] },
  );
}

/**
 * The claim after an upheld objection against a line (or the whole claim): the claim is REJECTED
 * when no line is left accepted, else it stays on notice. Only during the notice.
 */
export function statusAfterUpheldObjection(from: ClaimWorkflowStatus, acceptedLinesLeft: number): ClaimWorkflowStatus {
  assertObjectionResolvable(from);
  return acceptedLinesLeft > 0 ? 'PUBLIC_NOTICE' : 'REJECTED';
}

/** Objections are resolved while the claim is on notice (also after its last day, before closing). */
export function assertObjectionResolvable(status: ClaimWorkflowStatus): void {
  if (status !== 'PUBLIC_NOTICE') {
    throw new DomainError(
      'INVALID_TRANSITION',
      { zh: `补贴申领当前状态为“${STATUS_ZH[status]}”,只有公示期间可以处理异议`, en: `Objections are resolved only during the public notice (the claim is ${status})` },
      { from: status },
    );
  }
}

// ───────────── four eyes on money (审批分离) ─────────────

/**
 * The steps that release public money and the earlier steps whose officer may not take them:
 * whoever reviewed a claim (decided any of its lines) may not approve it, and whoever created or
 * submitted a payment batch may not confirm it paid. The rule is on the person (user), not the
 * bureau level, so it holds for single-level policies too (a city that reviews and approves needs
 * two city officers) and for a user with several bureau bindings.
 */
export type FourEyesStep = 'APPROVE_CLAIM' | 'CONFIRM_BATCH_PAID';
export type FourEyesPriorStep = 'REVIEW_CLAIM' | 'CREATE_BATCH' | 'SUBMIT_BATCH';

export const FOUR_EYES_BARRED: Readonly<Record<FourEyesStep, readonly FourEyesPriorStep[]>> = {
  APPROVE_CLAIM: ['REVIEW_CLAIM'],
  CONFIRM_BATCH_PAID: ['CREATE_BATCH', 'SUBMIT_BATCH'],
};

/** Who did an earlier step (from the audit log or a column); a null user (system) bars no one. */
export interface FourEyesPrior {
  step: FourEyesPriorStep;
  userId: string | null;
}

const FOUR_EYES_TEXT: Record<FourEyesStep, { zh: string; en: string }> = {
  APPROVE_CLAIM: { zh: '审批', en: 'approve this claim' },
  CONFIRM_BATCH_PAID: { zh: '确认拨付', en: 'confirm this batch paid' },
};
const PRIOR_TEXT: Record<FourEyesPriorStep, { zh: string; en: string }> = {
  REVIEW_CLAIM: { zh: '审核了此申领', en: 'reviewed it' },
  CREATE_BATCH: { zh: '编制了此批次', en: 'created it' },
  SUBMIT_BATCH: { zh: '提交了此批次', en: 'submitted it' },
};

/** The earlier steps of `userId` that bar it from `step` (empty: the user may act). */
export function fourEyesConflicts(step: FourEyesStep, userId: string, prior: readonly FourEyesPrior[]): FourEyesPriorStep[] {
  const barred = FOUR_EYES_BARRED[step];
  const found = prior.filter((p) => p.userId !== null && p.userId === userId && barred.includes(p.step)).map((p) => p.step);
  return [...new Set(found)];
}

/** Throws FOUR_EYES when `userId` did an earlier step that bars it from `step`. */
export function assertFourEyes(step: FourEyesStep, userId: string, prior: readonly FourEyesPrior[]): void {
  const conflicts = fourEyesConflicts(step, userId, prior);
  if (conflicts.length === 0) return;
  const did = { zh: conflicts.map((c) => PRIOR_TEXT[c].zh).join('并'), en: conflicts.map((c) => PRIOR_TEXT[c].en).join(' and ') };
  throw new DomainError(
    'FOUR_EYES',
    {
      zh: `您${did.zh},不能再${FOUR_EYES_TEXT[step].zh}:涉及资金的操作须由另一名工作人员完成(审批分离)`,
      en: `You ${did.en}, so you cannot ${FOUR_EYES_TEXT[step].en}: another officer must take this step (four eyes on money)`,
    },
    { step, conflicts },
  );
}

// ───────────── the ledger: journals for approval and payment ─────────────

export type LedgerDirection = 'DEBIT' | 'CREDIT';

export interface Posting {
  account: string;
  direction: LedgerDirection;
  /** Positive fen; a negative amount is posted in the reverse direction. */
  amountFen: bigint;
  personId?: string | null;
  claimLineId?: string | null;
}

/** Throws unless the postings of a journal balance (sum of debits = sum of credits, each positive). */
export function assertBalanced(postings: readonly Posting[]): void {
  let debit = 0n;
  let credit = 0n;
  for (const p of postings) {
    if (p.amountFen <= 0n) throw new RangeError(`ledger amounts must be positive (${p.account}: ${p.amountFen})`);
    if (p.direction === 'DEBIT') debit += p.amountFen;
    else credit += p.amountFen;
  }
  if (debit !== credit) throw new RangeError(`journal does not balance: debits ${debit} ≠ credits ${credit}`);
}

/**
 * Accounts. The claimant's account is `payable:org:<organizationId>` or `payable:person:<personId>`
 * (a person claiming for themself); a CREDIT balance is owed to the claimant, a DEBIT balance is a
 * receivable from the claimant (a claw-back not yet recovered). Entries posted before persons could
 * claim name the organization as `payable:<organizationId>`; they stay as written (the ledger is
 * append-only) and are read as the same organization's account.
 */
export function claimantAccount(claimant: { organizationId?: string | null; personId?: string | null }): string {
  if (claimant.organizationId) return `payable:org:${claimant.organizationId}`;
  if (claimant.personId) return `payable:person:${claimant.personId}`;
  throw new RangeError('a claim has an organization or a person as claimant');
}
export const expenseAccount = (regionCode: string) => `subsidy-expense:${regionCode}`;
export const bankAccount = (regionCode: string) => `bank:${regionCode}`;

/** Parses an account name: the payable of an organization or person, or a region's expense or bank account. */
export function parseAccount(account: string): { kind: 'PAYABLE' | 'EXPENSE' | 'BANK' | 'OTHER'; party: 'ORGANIZATION' | 'PERSON' | 'REGION' | null; id: string | null } {
  const [head, a, b] = account.split(':');
  if (head === 'payable' && a === 'org' && b) return { kind: 'PAYABLE', party: 'ORGANIZATION', id: b };
  if (head === 'payable' && a === 'person' && b) return { kind: 'PAYABLE', party: 'PERSON', id: b };
  if (head === 'payable' && a && !b) return { kind: 'PAYABLE', party: 'ORGANIZATION', id: a }; // legacy payable:<orgId>
  if (head === 'subsidy-expense' && a) return { kind: 'EXPENSE', party: 'REGION', id: a };
  if (head === 'bank' && a) return { kind: 'BANK', party: 'REGION', id: a };
  return { kind: 'OTHER', party: null, id: null };
}

export interface LedgerLine {
  id: string;
  personId: string;
  /** Whole fen; negative for a claw-back. */
  amountFen: number;
}

/**
 * The amount payable for the accepted lines: their sum, never below zero. When claw-backs exceed the
 * rest, nothing is paid and the difference stays a receivable from the claimant in the ledger.
 */
export function payableOf(lines: readonly LedgerLine[]): bigint {
  const net = lines.reduce((s, l) => s + BigInt(l.amountFen), 0n);
  return net > 0n ? net : 0n;
}

/**
 * The approval journal (posted when the notice closes), one pair of postings per accepted line:
 *   amount > 0: DEBIT subsidy-expense:<region> / CREDIT <claimant payable>  (owed to the claimant)
 *   amount < 0: DEBIT <claimant payable> / CREDIT subsidy-expense:<region>  (claw-back: a receivable)
 * Each posting carries the line's person and id, so balances per person are sums of entries.
 * Zero-amount lines post nothing. Balanced by construction (asserted).
 */
export function approvalPostings(regionCode: string, payable: string, lines: readonly LedgerLine[]): Posting[] {
  const postings: Posting[] = [];
  for (const l of lines) {
    if (l.amountFen === 0) continue;
    const amountFen = BigInt(Math.abs(l.amountFen));
    const [debit, credit] = l.amountFen > 0 ? [expenseAccount(regionCode), payable] : [payable, expenseAccount(regionCode)];
    postings.push({ account: debit, direction: 'DEBIT', amountFen, personId: l.personId, claimLineId: l.id });
    postings.push({ account: credit, direction: 'CREDIT', amountFen, personId: l.personId, claimLineId: l.id });
  }
  if (postings.length > 0) assertBalanced(postings);
  return postings;
}

/**
 * The payment journal for paying `paymentFen` = the net of the accepted lines (> 0): the claimant's
 * payable is settled line by line (DEBIT for an amount owed, CREDIT for a claw-back netted against
 * the payment) and the region's bank account is credited with the amount paid. Afterwards every
 * person's and the claimant's payable balance is zero.
 */
export function paymentPostings(regionCode: string, payable: string, lines: readonly LedgerLine[], paymentFen: bigint): Posting[] {
  const net = lines.reduce((s, l) => s + BigInt(l.amountFen), 0n);
  if (paymentFen <= 0n || net !== paymentFen) throw new RangeError(`payment ${paymentFen} must be the positive net of the lines (${net})`);
  const postings: Posting[] = [];
  for (const l of lines) {
    if (l.amountFen === 0) continue;
    const amountFen = BigInt(Math.abs(l.amountFen));
    postings.push({ account: payable, direction: l.amountFen > 0 ? 'DEBIT' : 'CREDIT', amountFen, personId: l.personId, claimLineId: l.id });
  }
  postings.push({ account: bankAccount(regionCode), direction: 'CREDIT', amountFen: paymentFen });
  assertBalanced(postings);
  return postings;
}

// ───────────── payment batches (拨付批次) ─────────────

export type PaymentBatchStatus = 'OPEN' | 'SUBMITTED' | 'PAID' | 'CANCELLED';
export type PaymentBatchAction = 'ADD_CLAIM' | 'REMOVE_CLAIM' | 'SUBMIT' | 'CONFIRM_PAID' | 'CANCEL';

/**
 * A batch collects APPROVED claims while OPEN, is frozen when SUBMITTED to the bank, and becomes PAID
 * when the bank confirms (each claim then PAID with its payment and journal). An OPEN or SUBMITTED
 * batch may be CANCELLED (its claims are released for another batch).
 */
export const PAYMENT_BATCH_TRANSITIONS: Readonly<Record<PaymentBatchAction, { from: readonly PaymentBatchStatus[]; to: PaymentBatchStatus | null }>> = {
  ADD_CLAIM: { from: ['OPEN'], to: null },
  REMOVE_CLAIM: { from: ['OPEN'], to: null },
  SUBMIT: { from: ['OPEN'], to: 'SUBMITTED' },
  CONFIRM_PAID: { from: ['SUBMITTED'], to: 'PAID' },
  CANCEL: { from: ['OPEN', 'SUBMITTED'], to: 'CANCELLED' },
};

const BATCH_STATUS_ZH: Record<PaymentBatchStatus, string> = { OPEN: '编制中', SUBMITTED: '已提交银行', PAID: '已拨付', CANCELLED: '已作废' };
const BATCH_ACTION_ZH: Record<PaymentBatchAction, string> = { ADD_CLAIM: '加入申领', REMOVE_CLAIM: '移出申领', SUBMIT: '提交', CONFIRM_PAID: '确认拨付', CANCEL: '作废' };

/** The batch status after `action` (unchanged for adding or removing a claim), or INVALID_TRANSITION. */
export function paymentBatchTransition(from: PaymentBatchStatus, action: PaymentBatchAction): PaymentBatchStatus {
  const t = PAYMENT_BATCH_TRANSITIONS[action];
  if (!t.from.includes(from)) {
    throw new DomainError(
      'INVALID_TRANSITION',
      { zh: `拨付批次当前状态为“${BATCH_STATUS_ZH[from]}”,不能${BATCH_ACTION_ZH[action]}`, en: `A payment batch in state ${from} cannot take ${action} (allowed from ${t.from.join(', ')})` },
      { from, action },
    );
  }
  return t.to ?? from;
}

export function allowedPaymentBatchActions(from: PaymentBatchStatus): PaymentBatchAction[] {
  return (Object.keys(PAYMENT_BATCH_TRANSITIONS) as PaymentBatchAction[]).filter((a) => PAYMENT_BATCH_TRANSITIONS[a].from.includes(from));
}

export function paymentBatchNumber(regionCode: string, year: number, serial: number): string {
  return `PB-${regionCode}-${year}-${String(serial).padStart(4, '0')}`;
}
