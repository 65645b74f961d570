import { DomainError } from '../shared/errors';
import { displayNameIssue } from '../shared/text';

/**
 * The life cycle of a training class (培训班), as an explicit state machine:
 *   DRAFT → SUBMITTED → APPROVED | REJECTED;  REJECTED → SUBMITTED (after correction)
 *   APPROVED → IN_PROGRESS → COMPLETED → SETTLED
 *   DRAFT, SUBMITTED, REJECTED, APPROVED → CANCELLED (nothing has been taught yet)
 * Who may fire each transition is part of the machine: the institution files, submits, starts,
 * completes and cancels its own classes; a bureau covering the institution approves or rejects;
 * settling belongs to the subsidy process (a bureau).
 */
export const CLASS_STATUSES = [
  'DRAFT',
  'SUBMITTED',
  'APPROVED',
  'REJECTED',
  'IN_PROGRESS',
  'COMPLETED',
  'SETTLED',
  'CANCELLED',
] as const;
export type ClassStatus = (typeof CLASS_STATUSES)[number];

export type ClassAction = 'SUBMIT' | 'APPROVE' | 'REJECT' | 'START' | 'COMPLETE' | 'SETTLE' | 'CANCEL';
export type ClassActorKind = 'INSTITUTION' | 'BUREAU';

interface Transition {
  from: readonly ClassStatus[];
  to: ClassStatus;
  by: ClassActorKind;
}

export const CLASS_TRANSITIONS: Readonly<Record<ClassAction, Transition>> = {
  SUBMIT: { from: ['DRAFT', 'REJECTED'], to: 'SUBMITTED', by: 'INSTITUTION' },
  APPROVE: { from: ['SUBMITTED'], to: 'APPROVED', by: 'BUREAU' },
  REJECT: { from: ['SUBMITTED'], to: 'REJECTED', by: 'BUREAU' },
  START: { from: ['APPROVED'], to: 'IN_PROGRESS', by: 'INSTITUTION' },
  COMPLETE: { from: ['IN_PROGRESS'], to: 'COMPLETED', by: 'INSTITUTION' },
  SETTLE: { from: ['COMPLETED'], to: 'SETTLED', by: 'BUREAU' },
  CANCEL: { from: ['DRAFT', 'SUBMITTED', 'REJECTED', 'APPROVED'], to: 'CANCELLED', by: 'INSTITUTION' },
};

const STATUS_ZH: Record<ClassStatus, string> = {
  DRAFT: '草稿',
  SUBMITTED: '已提交',
  APPROVED: '已批准',
  REJECTED: '已驳回',
  IN_PROGRESS: '培训中',
  COMPLETED: '已结业',
  SETTLED: '已结算',
  CANCELLED: '已取消',
};
const ACTION_ZH: Record<ClassAction, string> = {
  SUBMIT: '提交',
  APPROVE: '批准',
  REJECT: '驳回',
  START: '开班',
  COMPLETE: '结业',
  SETTLE: '结算',
  CANCEL: '取消',
};

/** The status after `action`, or a typed error naming the current state and what is allowed. */
export function classTransition(from: ClassStatus, action: ClassAction, by: ClassActorKind): ClassStatus {
  const t = CLASS_TRANSITIONS[action];
  if (t.by !== by) {
    throw new DomainError(
      'FORBIDDEN',
      {
        zh: `只有${t.by === 'BUREAU' ? '人社部门' : '培训机构'}可以${ACTION_ZH[action]}培训班`,
        en: `Only ${t.by === 'BUREAU' ? 'a bureau' : 'the institution'} may ${action.toLowerCase()} a class`,
      },
      { action },
    );
  }
  if (!t.from.includes(from)) {
    throw new DomainError(
      'INVALID_TRANSITION',
      {
        zh: `培训班当前状态为“${STATUS_ZH[from]}”,不能${ACTION_ZH[action]}`,
        en: `A class in state ${from} cannot be ${pastTense(action)} (allowed from ${t.from.join(', ')})`,
      },
      { from, action },
    );
  }
  return t.to;
}

export function allowedClassActions(from: ClassStatus): ClassAction[] {
  return (Object.keys(CLASS_TRANSITIONS) as ClassAction[]).filter((a) => CLASS_TRANSITIONS[a].from.includes(from));
}

function pastTense(a: ClassAction): string {
  return { SUBMIT: 'submitted', APPROVE: 'approved', REJECT: 'rejected', START: 'started', COMPLETE: 'completed', SETTLE: 'settled', CANCEL: 'cancelled' }[a];
}

/** A class may be edited (plan, dates, roster) only before a bureau has approved it. */
export function isClassEditable(status: ClassStatus): boolean {
  return status === 'DRAFT' || status === 'REJECTED';
}

/** Enrollments may change while the class is being filed or reworked, and withdrawals while it runs. */
export function canEnroll(status: ClassStatus): boolean {
  return status === 'DRAFT' || status === 'REJECTED';
}

export interface ClassPlan {
  /** The class name, checked when given: no direction controls, control or invisible characters, not blank (shared/text). */
  name?: string;
  startDate: string; // YYYY-MM-DD
  endDate: string;
  plannedHours: number;
  capacity: number;
}

/** Longest plausible teaching day, in class hours (学时). */
export const MAX_HOURS_PER_DAY = 8;
export const MAX_CAPACITY = 100_000;

export interface PlanIssue {
  field: keyof ClassPlan;
  zh: string;
  en: string;
}

function days(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000) + 1;
}

/**
 * Check a class plan: end not before start; hours positive and plausible for the dates (at most
 * 8 class hours a day over the whole span); capacity positive. Returns every issue found.
 */
export function checkClassPlan(plan: ClassPlan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const valid = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
  if (!valid(plan.startDate)) issues.push({ field: 'startDate', zh: '开班日期不是有效日期', en: 'Start date is not a real date' });
  if (!valid(plan.endDate)) issues.push({ field: 'endDate', zh: '结业日期不是有效日期', en: 'End date is not a real date' });
  if (issues.length === 0 && plan.endDate < plan.startDate) {
    issues.push({ field: 'endDate', zh: '结业日期早于开班日期', en: 'End date is before the start date' });
  }
  if (!Number.isInteger(plan.plannedHours) || plan.plannedHours <= 0) {
    issues.push({ field: 'plannedHours', zh: '计划学时必须为正整数', en: 'Planned hours must be a positive whole number' });
  } else if (issues.length === 0) {
    const span = days(plan.startDate, plan.endDate);
    if (plan.plannedHours > span * MAX_HOURS_PER_DAY) {
      issues.push({
        field: 'plannedHours',
        zh: `计划学时${plan.plannedHours}超过${span}天内每天最多${MAX_HOURS_PER_DAY}学时的上限(${span * MAX_HOURS_PER_DAY})`,
        en: `${plan.plannedHours} planned hours do not fit ${span} day(s) at most ${MAX_HOURS_PER_DAY} hours a day (${span * MAX_HOURS_PER_DAY})`,
      });
    }
  }
  if (!Number.isInteger(plan.capacity) || plan.capacity <= 0 || plan.capacity > MAX_CAPACITY) {
    issues.push({ field: 'capacity', zh: `班级人数须为1–${MAX_CAPACITY}的整数`, en: `Capacity must be a whole number from 1 to ${MAX_CAPACITY}` });
  }
  const name = plan.name === undefined ? null : displayNameIssue(plan.name, { zh: '班级名称', en: 'The class name' });
  if (name) issues.push({ field: 'name', zh: name.zh, en: name.en });
  return issues;
}

/** Throw the first plan issue as a typed VALIDATION error (all issues in details). */
export function assertClassPlan(plan: ClassPlan): void {
  const issues = checkClassPlan(plan);
  const first = issues[0];
  if (first) {
    throw new DomainError(
      'VALIDATION',
      { zh: issues.map((i) => i.zh).join(';'), en: issues.map((i) => i.en).join('; ') },
      { field: first.field, issues },
    );
  }
}

/** Two time ranges [aStart, aEnd) and [bStart, bEnd) overlap. */
export function overlaps(aStart: Date, aEnd: Date, bStart: Date, bEnd: Date): boolean {
  return aStart < bEnd && bStart < aEnd;
}
