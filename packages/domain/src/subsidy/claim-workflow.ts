import { DomainError } from '../errors';
import { regionCovers, regionLevel, type RegionLevel } from '../identifiers/region-code';
import { addDays, assertCalendarDate } from './dates';

/**
 * The review of a subsidy claim (补贴审核), as an explicit state machine:
 *   SUBMITTED → UNDER_REVIEW (county bureau starts the review) → line decisions (REVIEW)
 *   UNDER_REVIEW → PUBLIC_NOTICE (city bureau approves; 公示 for 5 working days)
 *   PUBLIC_NOTICE → APPROVED (the notice has ended without an upheld objection)
 *   APPROVED → PAID
 *   SUBMITTED | UNDER_REVIEW → REJECTED (at review or at approval, with a reason)
 * REVIEW decides every line in one step and leaves the claim UNDER_REVIEW for approval.
 * Who acts: a bureau covering the claim's region at one of the configured levels per step.
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

export const DEFAULT_CLAIM_ACTION_LEVELS: ClaimActionLevels = {
  REVIEW: ['COUNTY', 'CITY', 'PROVINCE'],
  APPROVE: ['CITY', 'PROVINCE'],
  CLOSE_NOTICE: ['CITY', 'PROVINCE'],
  PAY: ['CITY', 'PROVINCE'],
};

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
    { action },
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
 * `date` plus `n` working days (n ≥ 0): Saturdays, Sundays and the given holidays are skipped.
 * Statutory holidays (and the weekend make-up working days, 调休) are data this module cannot know;
 * pass `holidays` from the published calendar. The start day itself is not counted:
 * Friday 2026-11-20 + 5 working days = Friday 2026-11-27.
 */
export function addWorkingDays(date: string, n: number, holidays: readonly string[] = []): string {
  assertCalendarDate(date, 'date');
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number ≥ 0 (got ${n})`);
  const off = new Set(holidays);
  let d = date;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (!isWeekend(d) && !off.has(d)) left -= 1;
  }
  return d;
}

/** The notice window: it starts on `startsOn` and ends `PUBLIC_NOTICE_WORKING_DAYS` working days later. */
export function publicNoticeWindow(startsOn: string, holidays: readonly string[] = []): { startsOn: string; endsOn: string } {
  return { startsOn, endsOn: addWorkingDays(startsOn, PUBLIC_NOTICE_WORKING_DAYS, holidays) };
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
