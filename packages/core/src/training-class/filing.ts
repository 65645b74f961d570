import type { PrismaClient, Tx } from '@vtc/db';
import { lockRow, transaction } from '@vtc/db';
import {
  checkDisplayName,
  assertClassPlan,
  assertClassStartable,
  assertLateFilingApproval,
  type ClassAction,
  classTransition,
  dateFromIso,
  DomainError,
  isClassEditable,
  isoDate,
  isQualifiedFor,
  lateFilingReasonFor,
  type SkillLevel,
} from '@vtc/domain';
import { institutionOf, isBureauCovering, isStaffOf, notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { today as shanghaiToday } from '../shared/clock.ts';
import { classScope } from '../shared/scope.ts';
import { nextSerial } from '../shared/serial.ts';

/**
 * Class filing (开班备案) and its life cycle. The state machine and the plan checks are in
 * domain training-class/filing.ts; here we load, check who acts, write and audit, in one transaction.
 */
export interface Teacher {
  name: string;
  certificateNo?: string | null;
  subject?: string | null;
}

export interface ClassInput {
  name: string;
  occupationId: string;
  level: SkillLevel | null;
  trainingType: 'EMPLOYMENT_SKILLS' | 'JOB_SKILL_UPGRADE' | 'ENTREPRENEURSHIP';
  mode: 'STANDARD' | 'ORDER_BASED' | 'PROJECT_BASED';
  plannedHours: number;
  startDate: string;
  endDate: string;
  venue: string;
  teachers: Teacher[];
  capacity: number;
  teachingPlan?: string | null;
  assessmentPlan?: string | null;
  labourBrandId?: string | null;
  trainingOrderId?: string | null;
  /** Required when the class period ended before today (备案补录): why it is filed late, 10–500 characters. */
  lateFilingReason?: string | null;
}


function invalid(field: string, zh: string, en: string): DomainError {
  return new DomainError('VALIDATION', { zh, en }, { field });
}

async function checkClassInput(tx: Tx, institutionId: string, input: ClassInput): Promise<void> {
  assertClassPlan(input);
  if (!input.venue.trim()) throw invalid('venue', '请填写培训地点', 'Venue is required');
  input.teachers.forEach((t, i) => {
    if (!t.name.trim()) throw invalid(`teachers.${i}.name`, `第${i + 1}位教师姓名为空`, `Teacher ${i + 1} has no name`);
  });
  const occupation = await tx.occupation.findUnique({ where: { id: input.occupationId } });
  if (!occupation) throw new DomainError('NOT_FOUND', { zh: '职业(工种)不存在', en: 'Occupation not found' }, { field: 'occupationId' });
  if (occupation.specialAbility && input.level) {
    throw invalid('level', '专项职业能力培训不设等级', 'Special-ability training has no skill level');
  }
  if (input.level && !occupation.levels.includes(input.level)) {
    throw invalid('level', `该职业没有${input.level}等级`, `Occupation ${occupation.code} has no ${input.level}`);
  }
  const q = await tx.organizationOccupation.findUnique({
    where: { organizationId_occupationId: { organizationId: institutionId, occupationId: input.occupationId } },
  });
  const qualification = q && { maxLevel: q.maxLevel, validUntil: q.validUntil && isoDate(q.validUntil) };
  if (!isQualifiedFor(qualification, input.level ?? null, input.endDate)) {
    throw new DomainError(
      'INELIGIBLE',
      {
        zh: `本机构不具备${occupation.name}${input.level ? `(${input.level})` : ''}的培训资质或资质已过期`,
        en: `The institution is not qualified to train ${occupation.code}${input.level ? ` at ${input.level}` : ''} for these dates`,
      },
      { field: 'occupationId' },
    );
  }
  if (input.labourBrandId) {
    const brand = await tx.labourBrand.findUnique({ where: { id: input.labourBrandId }, select: { id: true } });
    if (!brand) throw new DomainError('NOT_FOUND', { zh: '劳务品牌不存在', en: 'Labour brand not found' }, { field: 'labourBrandId' });
  }
  if (input.mode === 'ORDER_BASED' && !input.trainingOrderId) {
    throw invalid('trainingOrderId', '订单式培训须关联培训订单', 'Order-based training needs a training order');
  }
  if (input.trainingOrderId) {
    if (input.mode !== 'ORDER_BASED') {
      throw invalid('mode', '关联培训订单的班级须为订单式培训', 'A class with a training order must be ORDER_BASED');
    }
    const order = await tx.trainingOrder.findUnique({ where: { id: input.trainingOrderId } });
    if (!order || (order.institutionId && order.institutionId !== institutionId)) {
      throw new DomainError('NOT_FOUND', { zh: '培训订单不存在或不属于本机构', en: 'Training order not found for this institution' }, { field: 'trainingOrderId' });
    }
    if (order.status !== 'OPEN') throw invalid('trainingOrderId', '培训订单不在执行中', 'The training order is not open');
    if (order.occupationId !== input.occupationId) {
      throw invalid('occupationId', '班级职业与订单职业不一致', 'The class occupation differs from the order occupation');
    }
  }
}

function classData(input: ClassInput, today: string) {
  return {
    lateFilingReason: lateFilingReasonFor(input, today, input.lateFilingReason),
    // Stored as checked (NFC, trimmed): bidi controls and invisible-only names are refused by assertClassPlan.
    name: checkDisplayName(input.name, 'name', { zh: '班级名称', en: 'The class name' }),
    occupationId: input.occupationId,
    level: input.level,
    trainingType: input.trainingType,
    mode: input.mode,
    plannedHours: input.plannedHours,
    startDate: dateFromIso(input.startDate),
    endDate: dateFromIso(input.endDate),
    venue: input.venue.trim(),
    teachers: input.teachers.map((t) => ({ name: t.name.trim(), certificateNo: t.certificateNo ?? null, subject: t.subject ?? null })),
    capacity: input.capacity,
    teachingPlan: input.teachingPlan ?? null,
    assessmentPlan: input.assessmentPlan ?? null,
    labourBrandId: input.labourBrandId ?? null,
    trainingOrderId: input.trainingOrderId ?? null,
  };
}

/** File a new class as a DRAFT for the actor's institution. */
export async function fileClass(prisma: PrismaClient, actor: Actor, input: ClassInput, today: string = shanghaiToday()) {
  const institutionId = institutionOf(actor);
  return transaction(prisma, async (tx) => {
    const institution = await tx.organization.findUniqueOrThrow({ where: { id: institutionId } });
    if (institution.status !== 'ACTIVE') {
      throw new DomainError('INELIGIBLE', { zh: '机构状态异常,不能开班', en: 'The institution is not active' });
    }
    await checkClassInput(tx, institutionId, input);
    const data = classData(input, today);
    const year = input.startDate.slice(0, 4);
    const serial = await nextSerial(tx, `class:${institution.regionCode}:${year}`);
    const created = await tx.trainingClass.create({
      data: {
        ...data,
        code: `PX-${institution.regionCode}-${year}-${String(serial).padStart(4, '0')}`,
        institutionId,
        regionCode: institution.regionCode,
        status: 'DRAFT',
      },
    });
    await audit(tx, actor, { action: 'class.filed', entityType: 'TrainingClass', entityId: created.id, after: { code: created.code, status: 'DRAFT', ...lateOf(created) } });
    return created;
  });
}

/** Change a class's plan while it is a DRAFT or REJECTED. */
export async function updateClass(prisma: PrismaClient, actor: Actor, classId: string, input: ClassInput, today: string = shanghaiToday()) {
  return transaction(prisma, async (tx) => {
    const klass = await lockClass(tx, actor, classId);
    if (!isStaffOf(actor, klass.institutionId)) throw forbidden();
    if (!isClassEditable(klass.status)) {
      throw new DomainError('INVALID_TRANSITION', {
        zh: '培训班已提交或已批准,不能修改',
        en: `A class in state ${klass.status} cannot be changed`,
      }, { from: klass.status });
    }
    await checkClassInput(tx, klass.institutionId, input);
    const data = classData(input, today);
    const enrolled = await tx.enrollment.count({ where: { classId, status: { not: 'WITHDRAWN' } } });
    if (input.capacity < enrolled) {
      throw new DomainError('CAPACITY_EXCEEDED', {
        zh: `班级已有${enrolled}名学员,人数上限不能小于此数`,
        en: `The class already has ${enrolled} trainees; capacity cannot be lower`,
      }, { field: 'capacity' });
    }
    const updated = await tx.trainingClass.update({ where: { id: classId }, data });
    await audit(tx, actor, { action: 'class.updated', entityType: 'TrainingClass', entityId: classId, before: planOf(klass), after: planOf(updated) });
    return updated;
  });
}

function planOf(c: { startDate: Date; endDate: Date; plannedHours: number; capacity: number; venue: string; lateFilingReason: string | null }) {
  return { startDate: isoDate(c.startDate), endDate: isoDate(c.endDate), plannedHours: c.plannedHours, capacity: c.capacity, venue: c.venue, ...lateOf(c) };
}

function lateOf(c: { lateFilingReason: string | null }) {
  return c.lateFilingReason ? { lateFilingReason: c.lateFilingReason } : {};
}

function forbidden(): DomainError {
  return new DomainError('FORBIDDEN', { zh: '无权办理此培训班的业务', en: 'Not allowed to act on this class' });
}

/** Load a class the actor can see, locked for update, or NOT_FOUND (never revealing it exists). */
export async function lockClass(tx: Tx, actor: Actor, classId: string) {
  const visible = await tx.trainingClass.findFirst({ where: { AND: [{ id: classId }, classScope(actor)] }, select: { id: true } });
  if (!visible) throw notFound('Class', '培训班');
  await lockRow(tx, 'TrainingClass', classId);
  return tx.trainingClass.findUniqueOrThrow({ where: { id: classId } });
}

export interface TransitionInput {
  classId: string;
  action: ClassAction;
  reason?: string | null;
  /** APPROVE of a late filing: the bureau has read and accepts the late-filing reason. */
  acknowledgeLateFiling?: boolean | null;
}

/**
 * Move a class through its life cycle. The institution submits, starts and cancels its own classes;
 * a bureau whose region covers the class approves or rejects (a rejection needs a reason).
 * Completion (with results and certificates) is completion.ts; settling belongs to subsidy claims.
 */
export async function transitionClass(prisma: PrismaClient, actor: Actor, input: TransitionInput, now: Date = new Date()) {
  if (input.action === 'COMPLETE' || input.action === 'SETTLE') {
    throw new DomainError('VALIDATION', {
      zh: '结业和结算有专门的办理流程',
      en: `${input.action} has its own operation`,
    }, { field: 'action' });
  }
  return transaction(prisma, async (tx) => {
    const klass = await lockClass(tx, actor, input.classId);
    const by = isStaffOf(actor, klass.institutionId)
      ? 'INSTITUTION'
      : isBureauCovering(actor, klass.regionCode)
        ? 'BUREAU'
        : null;
    if (!by) throw forbidden();
    const to = classTransition(klass.status, input.action, by);
    const reason = input.reason?.trim() ?? '';
    if ((input.action === 'REJECT' || input.action === 'CANCEL') && (reason.length < 2 || reason.length > 500)) {
      throw invalid('reason', '请填写原因(2–500字)', 'Give a reason (2–500 characters)');
    }
    const today = shanghaiToday(now);
    const dates = { startDate: isoDate(klass.startDate), endDate: isoDate(klass.endDate), lateFilingReason: klass.lateFilingReason };
    if (input.action === 'SUBMIT') {
      await checkReadyToSubmit(tx, klass);
      lateFilingReasonFor(dates, today, klass.lateFilingReason);
    }
    if (input.action === 'APPROVE') assertLateFilingApproval(dates, today, input.acknowledgeLateFiling === true);
    if (input.action === 'START') assertClassStartable(dates.startDate, today);
    const lateApproval = input.action === 'APPROVE' && klass.lateFilingReason !== null;
    const updated = await tx.trainingClass.update({
      where: { id: klass.id },
      data: {
        status: to,
        ...(input.action === 'SUBMIT' ? { submittedAt: now, rejectionReason: null } : {}),
        ...(input.action === 'APPROVE' || input.action === 'REJECT' ? { decidedAt: now, decidedById: actor.userId } : {}),
        ...(input.action === 'REJECT' ? { rejectionReason: reason } : {}),
        ...(lateApproval ? { lateFilingAcknowledgedAt: now, lateFilingAcknowledgedById: actor.userId } : {}),
      },
    });
    await audit(tx, actor, {
      action: `class.${input.action.toLowerCase()}`,
      entityType: 'TrainingClass',
      entityId: klass.id,
      before: { status: klass.status },
      after: { status: to, ...(reason ? { reason } : {}), ...(lateApproval ? { lateFilingAcknowledged: klass.lateFilingReason } : {}) },
    });
    return updated;
  });
}

/** Filing needs a roster, teachers, a teaching plan and an assessment plan, and a plan that still holds. */
async function checkReadyToSubmit(tx: Tx, klass: { id: string; teachers: unknown; teachingPlan: string | null; assessmentPlan: string | null; capacity: number; startDate: Date; endDate: Date; plannedHours: number }) {
  const missing: Array<[string, string, string]> = [];
  const enrolled = await tx.enrollment.count({ where: { classId: klass.id, status: { not: 'WITHDRAWN' } } });
  if (enrolled === 0) missing.push(['roster', '花名册(至少1名学员)', 'a roster with at least one trainee']);
  if (!Array.isArray(klass.teachers) || klass.teachers.length === 0) missing.push(['teachers', '授课教师', 'teachers']);
  if (!klass.teachingPlan?.trim()) missing.push(['teachingPlan', '教学计划', 'a teaching plan']);
  if (!klass.assessmentPlan?.trim()) missing.push(['assessmentPlan', '考核方案', 'an assessment plan']);
  const first = missing[0];
  if (first) {
    throw new DomainError(
      'VALIDATION',
      { zh: `提交备案前请补充:${missing.map((m) => m[1]).join('、')}`, en: `Before submitting, add ${missing.map((m) => m[2]).join(', ')}` },
      { field: first[0] },
    );
  }
  if (enrolled > klass.capacity) {
    throw new DomainError('CAPACITY_EXCEEDED', { zh: '学员人数超过班级人数上限', en: 'More trainees than the class capacity' }, { field: 'capacity' });
  }
  assertClassPlan({ startDate: isoDate(klass.startDate), endDate: isoDate(klass.endDate), plannedHours: klass.plannedHours, capacity: klass.capacity });
}
