import { hash } from 'node:crypto';
import { Prisma, type PrismaClient, type Tx, transaction } from '@vtc/db';
import {
  type ClaimBasis,
  type ContributionMonth,
  computeClaim,
  contractEvidence,
  DEFAULT_CHECKPOINT_MONTHS,
  DEFAULT_REMINDER_DAYS,
  DomainError,
  decideEmployment,
  type EmploymentDecision,
  type EmploymentRules,
  type EvidenceRecord,
  employmentRulesOf,
  isCalendarDate,
  type PolicyKind,
  policyInForce,
  reminderDue,
  type SubsidyPolicy,
  validatePolicy,
} from '@vtc/domain';
import { checkChunkJobId, EMPLOYMENT_CHECK_CHUNK_JOB, OUTBOX_EVENT_TYPES, type Queues } from '@vtc/jobs';
import type { Actor } from '../shared/actor.ts';
import { audit, auditMany } from '../shared/audit.ts';
import { emit } from '../shared/outbox.ts';
import { enrollmentScope, hasRole } from '../shared/scope.ts';
import { InAppNotificationSender, type NotificationSender, type OutgoingNotification } from '../notification/sender.ts';
import { type SqlSession, sqlTransaction } from '@vtc/db';
import { nextSerial } from '../shared/serial.ts';
import { claimLineRow, claimNumber, historyOf, insertClaimLines } from '../subsidy/claim-filing.ts';

/**
 * Employment checks after training (就业跟踪), run daily over every open check in Postgres:
 *
 * - `ensureEmploymentChecks` creates the missing EmploymentCheck rows (one per COMPLETED enrollment and
 *   checkpoint: 3 and 6 months by default, plus the window of any uplift/outcome policy of the class's
 *   region) in ONE INSERT … SELECT.
 * - `planCheckRun` makes the day's EmploymentCheckRun (one per date; planning the same day again
 *   resumes it) and its chunks: contiguous ranges of enrollment ids holding open checks, `chunkSize`
 *   enrollments each. Never one job per person.
 * - `checkChunk` reads the whole range's checks and evidence in a handful of statements, decides each
 *   check with the domain rules (domain/employment decideEmployment), writes the outcomes that changed
 *   in one UPDATE (each check keeps the SHA-256 digest of its last outcome; an open check is decided
 *   again every day and most days nothing about it changes), sends reminders, and marks the chunk DONE
 *   and counts it on the run — all in one transaction, so a chunk is either wholly done or not at all,
 *   and doing it again changes nothing (a DONE chunk is skipped; decided checks are never re-decided).
 *   The evidence stored is the decision's compact structured form; describeEmploymentEvidence words it.
 * - `finishCheckRun`, once every chunk is DONE (the last chunk's job calls it; the sweeper does if
 *   that worker died), files the employment uplifts of all QUALIFIED checks, grouped by claim (uplift
 *   lines are unique by dedupKey), and marks the run SUCCEEDED.
 * - `sweepCheckChunks` re-enqueues chunks of running runs whose job is gone from Redis (a wiped or
 *   restarted Redis) or failed, from Postgres alone.
 *
 * Open checks: not yet decided (`decidedAt` null: PENDING, or EMPLOYED while the window is still open).
 * QUALIFIED checks whose uplift is still to be filed (a live CLASS_HOUR base line exists for the
 * enrollment, no uplift line at all yet — a rejected uplift line is not filed again) are the finish
 * step's, every day.
 *
 * Uplift claims (finishCheckRun): a QUALIFIED check whose enrollment has a live base line on a live CLASS_HOUR claim gets
 * its EMPLOYMENT_UPLIFT line computed by the subsidy engine (computeClaim, kind EMPLOYMENT_UPLIFT: the
 * base line must be accepted, the contract must qualify under the same policy version, the claim
 * deadline counts from the contract's signing). The line goes on a supplementary claim
 * (claimKind EMPLOYMENT_UPLIFT, supplementsClaimId = the CLASS_HOUR claim, SUBMITTED): the one still
 * SUBMITTED collects the uplift lines of later days; once the bureau has taken it up (any other
 * status) a new supplementary claim is opened. The run row and the CLASS_HOUR claim rows are locked
 * while doing so, so two callers never open two claims at once. When the engine refuses (base not accepted yet, deadline
 * passed …) the reason is kept in the check's evidence (`uplift`) and the check is looked at again
 * on the next run.
 */

export const DEFAULT_CHUNK_SIZE = 500;
export const DEFAULT_CHUNK_LEASE_MS = 30_000;
export const EMPLOYMENT_REMINDER_KIND = 'EMPLOYMENT_CHECK_REMINDER';
const SWEEP_BATCH = 5_000;
/**
 * A chunk enqueued this often without getting DONE (each time with the job's own retries) is left
 * alone by the sweeper: a poison chunk must not loop forever. Its open checks are planned again
 * by the next day's run; the run stays RUNNING, which shows in monitoring.
 */
export const MAX_CHUNK_ENQUEUES = 20;

/** The digest kept in EmploymentCheck.outcomeHash: SHA-256 of the outcome's JSON, base64url, its first 22 characters (132 bits). */
function outcomeDigest(outcome: string): string {
  return hash('sha256', outcome, 'base64url').slice(0, 22);
}

/**
 * Ids (uuids read from Postgres) as one comma-separated text parameter, for `= ANY(string_to_array($1,
 * ',')::uuid[])`: measured 3.4 ms for 500 ids where passing them as a uuid[] parameter took 10.8 ms.
 */
function idList(ids: Iterable<string>): string {
  return [...ids].join(',');
}

/** No evidence rows (shared, never mutated). */
const NONE: readonly never[] = [];

const day = (d: Date | string) => (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

function assertDate(value: string, field: string): void {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    throw new DomainError('VALIDATION', { zh: `${field}不是有效日期(YYYY-MM-DD)`, en: `${field} is not a valid date (YYYY-MM-DD)` }, { field });
  }
}

/** SQL: is check `k` open (to be looked at by a run's chunks)? Not yet decided (x_employment_check_open). */
const OPEN_CHECK_SQL = `(k."decidedAt" IS NULL)`;
const OPEN_CHECK = Prisma.raw(OPEN_CHECK_SQL);

// ───────────────────────────── policies ─────────────────────────────

type PolicyRow = { id: string; code: string; version: number; regionCode: string; kind: string; effectiveFrom: Date | string; effectiveTo: Date | string | null; rules: unknown };

/** The same through a chunk's SQL session (dates as text). */
async function publishedPoliciesSql(sql: SqlSession, kinds: PolicyKind[]): Promise<PolicyRow[]> {
  return sql.query<PolicyRow>(
    `SELECT id::text AS id, code, version, "regionCode", kind::text AS kind, "effectiveFrom"::text AS "effectiveFrom",
       "effectiveTo"::text AS "effectiveTo", rules
     FROM "SubsidyPolicy" WHERE kind::text = ANY($1::text[]) AND status::text IN ('PUBLISHED', 'ACTIVE')`,
    [kinds],
  );
}

async function publishedPolicies(db: Tx | PrismaClient, kinds: PolicyKind[]): Promise<PolicyRow[]> {
  return db.subsidyPolicy.findMany({
    where: { kind: { in: kinds }, status: { in: ['PUBLISHED', 'ACTIVE'] } },
    select: { id: true, code: true, version: true, regionCode: true, kind: true, effectiveFrom: true, effectiveTo: true, rules: true },
  });
}

function validated(row: PolicyRow): SubsidyPolicy | null {
  try {
    return validatePolicy({
      code: row.code,
      version: row.version,
      regionCode: row.regionCode,
      kind: row.kind,
      status: 'PUBLISHED',
      effectiveFrom: day(row.effectiveFrom),
      effectiveTo: row.effectiveTo ? day(row.effectiveTo) : null,
      rules: row.rules,
    });
  } catch {
    return null;
  }
}

/** The region-code prefix a policy of `regionCode` covers ('150800' → '1508', '150000' → '15'). */
function regionPrefix(regionCode: string): string {
  let p = regionCode;
  while (p.endsWith('00') && p.length > 0) p = p.slice(0, -2);
  return p;
}

/** Rules per (region, class start date): the CLASS_HOUR policy in force, its uplift condition. */
function rulesResolver(rows: PolicyRow[]): (regionCode: string, basisDate: string) => EmploymentRules {
  const headers = rows
    .map((row) => ({ row, policy: validated(row) }))
    .filter((x): x is { row: PolicyRow; policy: SubsidyPolicy } => x.policy !== null)
    .map((x) => ({ ...x.policy, policy: x.policy }));
  const cache = new Map<string, EmploymentRules>();
  return (regionCode, basisDate) => {
    const key = `${regionCode}|${basisDate}`;
    let rules = cache.get(key);
    if (!rules) {
      let chosen: (typeof headers)[number] | null = null;
      try {
        chosen = policyInForce(headers, { regionCode, kind: 'CLASS_HOUR', basisDate });
      } catch {
        chosen = null; // two conflicting policies: nothing qualifies until the bureau resolves it
      }
      rules = employmentRulesOf(chosen && chosen.policy.kind === 'CLASS_HOUR' ? chosen.policy.rules : null);
      cache.set(key, rules);
    }
    return rules;
  };
}

// ───────────────────────────── ensure ─────────────────────────────

export interface EnsureChecksScope {
  today: string;
  /** Only these classes (a class completing creates its own checks). */
  classIds?: readonly string[];
  /**
   * Default checkpoints only for enrollments completed on or after this date (the daily run's safety
   * net after the classes' own); a policy's own window is always ensured for every enrollment.
   */
  completedSince?: string | null;
}

/**
 * Create the missing checks of COMPLETED enrollments completed on or before `today`, in one
 * statement. Checkpoints: DEFAULT_CHECKPOINT_MONTHS for everyone, plus the window (withinMonths) of
 * each published CLASS_HOUR uplift or OUTCOME policy for classes in its region. Returns how many were created.
 * Completing a class creates its checks (completeClass); the daily run ensures the recent rest.
 */
export async function ensureEmploymentChecks(prisma: PrismaClient | Tx, scope: EnsureChecksScope): Promise<{ created: number }> {
  const { today } = scope;
  assertDate(today, 'today');
  if (scope.completedSince) assertDate(scope.completedSince, 'completedSince');
  const classIds = scope.classIds ? [...scope.classIds] : null;
  const since = scope.completedSince ?? null;
  const prefixes: string[] = [];
  const months: number[] = [];
  const sinces: Array<string | null> = [];
  for (const m of DEFAULT_CHECKPOINT_MONTHS) {
    prefixes.push('');
    months.push(m);
    sinces.push(since);
  }
  for (const row of await publishedPolicies(prisma, ['CLASS_HOUR', 'OUTCOME'])) {
    const p = validated(row);
    if (!p) continue;
    const within = p.kind === 'CLASS_HOUR' ? p.rules.employmentUplift?.withinMonths : p.kind === 'OUTCOME' ? p.rules.employment.withinMonths : undefined;
    if (within === undefined || DEFAULT_CHECKPOINT_MONTHS.includes(within)) continue;
    prefixes.push(regionPrefix(p.regionCode));
    months.push(within);
    sinces.push(null);
  }
  // When every checkpoint counts only completions since `since` (no policy window of its own to fill in
  // for everyone), only those enrollments are read: completed since then themselves, or without a date of
  // their own in a class completed since then (x_enrollment_completed_at, x_training_class_completed_at),
  // instead of every completed enrollment there is.
  const floor = classIds === null && since !== null && sinces.every((x) => x !== null) ? since : null;
  const ts = Prisma.sql`(${floor}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`;
  const enrollments = floor
    ? Prisma.sql`(SELECT e2.id, e2."classId", e2."personId", e2.status, e2."completedAt" FROM "Enrollment" e2 WHERE e2."completedAt" >= ${ts}
        UNION ALL
        SELECT e3.id, e3."classId", e3."personId", e3.status, e3."completedAt" FROM "TrainingClass" c3
        CROSS JOIN LATERAL (SELECT x.* FROM "Enrollment" x WHERE x."classId" = c3.id AND x."completedAt" IS NULL OFFSET 0) e3
        WHERE c3."completedAt" >= ${ts})`
    : Prisma.sql`"Enrollment"`;
  const created = await prisma.$executeRaw`
    INSERT INTO "EmploymentCheck" (id, "enrollmentId", "personId", "classId", "checkpointMonths", "completedOn", "dueOn", "updatedAt")
    SELECT DISTINCT ON (e.id, m.months) gen_random_uuid(), e.id, e."personId", e."classId", m.months, d.completed_on,
      (d.completed_on + make_interval(months => m.months))::date, now()
    FROM ${enrollments} e
    JOIN "TrainingClass" c ON c.id = e."classId"
    CROSS JOIN LATERAL (SELECT (COALESCE(e."completedAt", c."completedAt") AT TIME ZONE 'Asia/Shanghai')::date AS completed_on) d
    JOIN unnest(${prefixes}::text[], ${months}::int[], ${sinces}::date[]) AS m(prefix, months, since)
      ON c."regionCode" LIKE m.prefix || '%' AND (m.since IS NULL OR d.completed_on >= m.since)
    WHERE e.status = 'COMPLETED' AND d.completed_on IS NOT NULL AND d.completed_on <= ${today}::date
      AND (${classIds}::uuid[] IS NULL OR c.id = ANY(${classIds}::uuid[]))
      AND NOT EXISTS (SELECT 1 FROM "EmploymentCheck" k WHERE k."enrollmentId" = e.id AND k."checkpointMonths" = m.months)
    ORDER BY e.id, m.months
    ON CONFLICT ("enrollmentId", "checkpointMonths") DO NOTHING`;
  return { created };
}

// ───────────────────────────── plan ─────────────────────────────

export interface PlanCheckRunResult {
  runId: string;
  /** The chunks still to do (all of them for a new run; those not DONE when resuming). */
  chunkIds: string[];
  /** False when the day's run already existed (planning again resumes it). */
  created: boolean;
}

/**
 * The run of `runDate` and its chunks. A new run creates the missing checks first, then cuts the open
 * checks' enrollment ids into ranges of `chunkSize` enrollments (one INSERT … SELECT). A run with
 * nothing to check is SUCCEEDED at once.
 */
export async function planCheckRun(prisma: PrismaClient, { runDate, chunkSize = DEFAULT_CHUNK_SIZE }: { runDate: string; chunkSize?: number }): Promise<PlanCheckRunResult> {
  assertDate(runDate, 'runDate');
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 100_000) {
    throw new DomainError('VALIDATION', { zh: '每块人数须为1至100000的整数', en: 'chunkSize must be a whole number from 1 to 100,000' }, { field: 'chunkSize' });
  }
  const existing = await prisma.employmentCheckRun.findUnique({ where: { runDate: new Date(`${runDate}T00:00:00Z`) }, select: { id: true } });
  if (existing) return resume(prisma, existing.id);
  // Classes create their checks when they complete; the run ensures what completed since a month
  // before the last successful run (every enrollment when there was none).
  const last = await prisma.$queryRaw<Array<{ since: string }>>`
    SELECT ("runDate" - 31)::text AS since FROM "EmploymentCheckRun" WHERE status = 'SUCCEEDED' AND "runDate" <= ${runDate}::date
    ORDER BY "runDate" DESC LIMIT 1`;
  await ensureEmploymentChecks(prisma, { today: runDate, completedSince: last[0]?.since ?? null });
  return transaction(
    prisma,
    async (tx) => {
      const inserted = await tx.$queryRaw<Array<{ id: string }>>`
        INSERT INTO "EmploymentCheckRun" (id, "runDate") VALUES (gen_random_uuid(), ${runDate}::date)
        ON CONFLICT ("runDate") DO NOTHING RETURNING id::text AS id`;
      const runId = inserted[0]?.id;
      if (!runId) {
        // Planned by someone else meanwhile.
        const run = await tx.employmentCheckRun.findUniqueOrThrow({ where: { runDate: new Date(`${runDate}T00:00:00Z`) }, select: { id: true } });
        return resume(tx, run.id);
      }
      const chunks = await tx.$queryRaw<Array<{ id: string }>>`
        WITH open AS (SELECT DISTINCT k."enrollmentId" AS id FROM "EmploymentCheck" k WHERE ${OPEN_CHECK}),
        numbered AS (SELECT id, (row_number() OVER (ORDER BY id) - 1) / ${chunkSize}::int AS seq FROM open)
        INSERT INTO "EmploymentCheckChunk" (id, "runId", seq, "fromEnrollmentId", "toEnrollmentId")
        SELECT gen_random_uuid(), ${runId}::uuid, seq, min(id::text)::uuid, max(id::text)::uuid FROM numbered GROUP BY seq
        RETURNING id::text AS id, seq`;
      const sorted = (chunks as Array<{ id: string; seq?: number }>).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
      await tx.employmentCheckRun.update({
        where: { id: runId },
        // With no chunk the run is ready at once: finishCheckRun still files pending uplifts.
        data: { chunkCount: sorted.length },
      });
      return { runId, chunkIds: sorted.map((c) => c.id), created: true };
    },
    { timeoutMs: 120_000 },
  );
}

async function resume(db: Tx | PrismaClient, runId: string): Promise<PlanCheckRunResult> {
  const chunks = await db.employmentCheckChunk.findMany({ where: { runId, status: { not: 'DONE' } }, orderBy: { seq: 'asc' }, select: { id: true } });
  return { runId, chunkIds: chunks.map((c) => c.id), created: false };
}

/** Add one job per chunk in bulk (jobId check-chunk-<id>: an existing job is not added twice) and mark the chunks ENQUEUED. */
export async function enqueueCheckChunks(prisma: PrismaClient, queues: Queues, { runDate, chunkIds }: { runDate: string; chunkIds: readonly string[] }): Promise<number> {
  if (chunkIds.length === 0) return 0;
  const queue = queues[EMPLOYMENT_CHECK_CHUNK_JOB.queue];
  for (let i = 0; i < chunkIds.length; i += 1_000) {
    const part = chunkIds.slice(i, i + 1_000);
    await queue.addBulk(
      part.map((chunkId) => ({ name: EMPLOYMENT_CHECK_CHUNK_JOB.name, data: { chunkId, runDate }, opts: { ...EMPLOYMENT_CHECK_CHUNK_JOB.options, jobId: checkChunkJobId(chunkId) } })),
    );
    await prisma.$executeRaw`
      UPDATE "EmploymentCheckChunk" SET status = 'ENQUEUED', "enqueuedAt" = now(), attempts = attempts + 1
      WHERE id = ANY(${part}::uuid[]) AND status <> 'DONE'`;
  }
  return chunkIds.length;
}

/** Plan (or resume) the day's run and enqueue its chunks: what the `employment-check-run` job does. */
export async function startCheckRun(
  prisma: PrismaClient,
  queues: Queues,
  { runDate, chunkSize }: { runDate: string; chunkSize?: number },
): Promise<PlanCheckRunResult & { enqueued: number }> {
  const plan = await planCheckRun(prisma, { runDate, chunkSize });
  const enqueued = await enqueueCheckChunks(prisma, queues, { runDate, chunkIds: plan.chunkIds });
  if (plan.chunkIds.length === 0) await finishCheckRun(prisma, plan.runId, { today: runDate });
  return { ...plan, enqueued };
}

// ───────────────────────────── check one chunk ─────────────────────────────

export interface CheckChunkResult {
  checked: number;
  /** Newly QUALIFIED. */
  qualified: number;
  /** Newly decided EMPLOYED (window closed). */
  employed: number;
  /** Newly decided with the window closed (EMPLOYED or NOT_EMPLOYED). */
  closed: number;
  /** Reminder notifications written. */
  reminders: number;
  /** True when the chunk was already DONE: nothing was read or written. */
  skipped: boolean;
  /** The chunk's run. */
  runId: string | null;
  /** True when this chunk was the run's last: the run is ready for finishCheckRun. */
  runReady: boolean;
}

export interface CheckChunkOptions {
  /** The business date of the check ('YYYY-MM-DD'); a run passes its runDate. */
  today: string;
  /** Days before a window closes that reminders go out (default 14). */
  reminderDays?: number;
  sender?: NotificationSender;
}

type CheckRow = {
  id: string;
  enrollmentId: string;
  personId: string;
  classId: string;
  checkpointMonths: number;
  completedOn: string;
  dueOn: string;
  reminded: boolean;
  outcomeHash: string | null;
};

type ClassRow = { id: string; institutionId: string; regionCode: string; startDate: string };

type UpliftNote = { claimNumber: string; amountFen: number; dedupKey: string } | { refused: string; zh: string; en: string; on: string };

/**
 * Check one chunk (see the module comment). Throws NOT_FOUND for an unknown chunk. Idempotent: a DONE
 * chunk is skipped; a chunk interrupted before its commit left nothing behind.
 */
export async function checkChunk(prisma: PrismaClient, chunkId: string, options: CheckChunkOptions): Promise<CheckChunkResult> {
  const { today } = options;
  assertDate(today, 'today');
  const reminderDays = options.reminderDays ?? DEFAULT_REMINDER_DAYS;
  const sender = options.sender ?? new InAppNotificationSender();
  // The chunk's own statements (lock, read, decide, one UPDATE of all outcomes, DONE) run in one
  // transaction on a node-postgres session (see pg-session.ts). Reminders and uplift lines are written
  // through Prisma, while the chunk row is locked, in a transaction of their own that commits first:
  // both are idempotent (notification dedupKey, uplift dedupKey), so a chunk that fails after them and
  // runs again adds nothing twice; it only leaves the uplift note out of that check's evidence (the
  // line itself names the enrollment).
  return sqlTransaction(
    prisma,
    async (sql, tx) => {
      const sideEffects = <T>(fn: (t: Tx) => Promise<T>): Promise<T> => (tx ? fn(tx) : transaction(prisma, fn, { timeoutMs: 120_000 }));
      const chunks = await sql.query<{ id: string; runId: string; status: string; from: string; to: string }>(
        `SELECT id::text AS id, "runId"::text AS "runId", status::text AS status, "fromEnrollmentId"::text AS "from", "toEnrollmentId"::text AS "to"
         FROM "EmploymentCheckChunk" WHERE id = $1::uuid FOR UPDATE`,
        [chunkId],
      );
      const chunk = chunks[0];
      if (!chunk) throw new DomainError('NOT_FOUND', { zh: '核查分块不存在', en: 'Employment-check chunk not found' }, { field: 'chunkId' });
      const none: CheckChunkResult = { checked: 0, qualified: 0, employed: 0, closed: 0, reminders: 0, skipped: true, runId: chunk.runId, runReady: false };
      if (chunk.status === 'DONE') return none;

      // The range's open checks (x_employment_check_open, in heap order: checks are made in enrollment-id
      // order), then their classes: each check carries its person and class, so Enrollment is not read.
      const checks = await sql.query<CheckRow>(
        `SELECT k.id, k."enrollmentId", k."personId", k."classId", k."checkpointMonths", k."completedOn"::text AS "completedOn",
          k."dueOn"::text AS "dueOn", k."reminderSentAt" IS NOT NULL AS reminded, k."outcomeHash"
        FROM "EmploymentCheck" k
        WHERE k."enrollmentId" BETWEEN $1::uuid AND $2::uuid AND ${OPEN_CHECK_SQL}
        ORDER BY k."enrollmentId", k."checkpointMonths"`,
        [chunk.from, chunk.to],
      );
      const classIds = [...new Set(checks.map((c) => c.classId))];
      const classes = new Map(
        (
          await sql.query<ClassRow>(
            `SELECT id, "institutionId", "regionCode", "startDate"::text AS "startDate" FROM "TrainingClass" WHERE id = ANY(string_to_array($1, ',')::uuid[])`,
            [idList(classIds)],
          )
        ).map((c) => [c.id, c]),
      );
      const classOf = (c: CheckRow): ClassRow => {
        const k = classes.get(c.classId);
        if (!k) throw new Error(`class ${c.classId} of employment check ${c.id} not found`);
        return k;
      };

      const personIds = [...new Set(checks.map((c) => c.personId))];
      const { records, contributions } = await evidenceOf(sql, personIds);
      const rulesFor = rulesResolver(await publishedPoliciesSql(sql, ['CLASS_HOUR']));

      // Decide every open check.
      const decisions: EmploymentDecision[] = [];
      for (const c of checks) {
        const k = classOf(c);
        decisions.push(
          decideEmployment({
            completedOn: c.completedOn,
            checkpointMonths: c.checkpointMonths,
            dueOn: c.dueOn,
            today,
            records: records.get(c.personId) ?? NONE,
            contributions: contributions.get(c.personId) ?? NONE,
            rules: rulesFor(k.regionCode, k.startDate),
          }),
        );
      }

      // Reminders: checks still PENDING whose window closes within `reminderDays`, once per check, to the
      // institutions' active staff. Only a check whose institution has someone to tell is marked reminded;
      // the others are tried again on the next run (an institution may get its first staff account any day).
      const toRemind = checks.filter((c, i) => !c.reminded && decisions[i]!.status === 'PENDING' && reminderDue(c.dueOn, today, reminderDays));
      let reminders = 0;
      const remindedIds = new Set<string>();
      if (toRemind.length > 0) {
        const staff = await sql.query<StaffRow>(
          `SELECT DISTINCT rb."userId"::text AS "userId", rb."organizationId"::text AS "organizationId"
           FROM "RoleBinding" rb JOIN "User" u ON u.id = rb."userId"
           WHERE rb.role = 'INSTITUTION_STAFF' AND u.status = 'ACTIVE' AND rb."organizationId" = ANY(string_to_array($1, ',')::uuid[])`,
          [idList(new Set(toRemind.map((c) => classOf(c).institutionId)))],
        );
        if (staff.length > 0) {
          const reached = new Set(staff.map((x) => x.organizationId));
          const due = toRemind.filter((c) => reached.has(classOf(c).institutionId));
          reminders = await sideEffects((t) => sendReminders(t, sender, chunkId, due, classOf, staff));
          for (const c of due) remindedIds.add(c.id);
        }
      }

      // Write every changed outcome in one statement (keys left out are null). An open check is decided
      // again every day, and most days nothing about it changes: its outcome's digest is the stored one,
      // and the row is left alone (no new row version, no WAL) unless it is to be marked reminded.
      const rows: string[] = [];
      for (const [i, c] of checks.entries()) {
        const d = decisions[i]!;
        const outcome = JSON.stringify({
          status: d.status,
          final: d.final || undefined,
          evidence: d.evidence,
          employerCreditCode: d.employerCreditCode ?? undefined,
          contractMonths: d.contractMonths ?? undefined,
          monthlyWageFen: d.monthlyWageFen ?? undefined,
        });
        const hash = outcomeDigest(outcome);
        const remind = remindedIds.has(c.id);
        if (hash === c.outcomeHash && !remind) continue;
        rows.push(`{"id":"${c.id}","outcomeHash":"${hash}"${remind ? ',"remind":true' : ''},${outcome.slice(1)}`);
      }
      if (rows.length > 0) {
        await sql.query(
          `UPDATE "EmploymentCheck" k SET
            status = x.status::"EmploymentCheckStatus",
            evidence = x.evidence,
            "employerCreditCode" = x."employerCreditCode",
            "contractMonths" = x."contractMonths",
            "monthlyWageFen" = x."monthlyWageFen",
            "decidedAt" = CASE WHEN x.final THEN now() END,
            "outcomeHash" = x."outcomeHash",
            "lastCheckedOn" = $2::date,
            "runId" = $3::uuid,
            "reminderSentAt" = CASE WHEN x.remind THEN now() ELSE k."reminderSentAt" END,
            "updatedAt" = now()
          FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "outcomeHash" text, status text, final boolean, evidence jsonb,
            "employerCreditCode" text, "contractMonths" int, "monthlyWageFen" int, remind boolean)
          WHERE k.id = x.id AND ${OPEN_CHECK_SQL} AND (k."lastCheckedOn" IS NULL OR k."lastCheckedOn" <= $2::date)`,
          [`[${rows.join(',')}]`, today, chunk.runId],
        );
      }

      let qualified = 0;
      let employed = 0;
      let closed = 0;
      for (const d of decisions) {
        if (d.status === 'QUALIFIED') qualified += 1;
        else if (d.final) {
          closed += 1;
          if (d.status === 'EMPLOYED') employed += 1;
        }
      }
      const result: CheckChunkResult = { checked: checks.length, qualified, employed, closed, reminders, skipped: false, runId: chunk.runId, runReady: false };

      // The chunk DONE and counted on its run, in one statement. The run stays RUNNING until
      // finishCheckRun has filed the uplifts.
      const run = await sql.query<{ ready: boolean }>(
        `WITH done AS (UPDATE "EmploymentCheckChunk" SET status = 'DONE', "doneAt" = now(), checked = $2 WHERE id = $6::uuid)
        UPDATE "EmploymentCheckRun" SET "chunksDone" = "chunksDone" + 1, checked = checked + $2,
          qualified = qualified + $3, closed = closed + $4, reminders = reminders + $5
        WHERE id = $1::uuid RETURNING "chunksDone" >= "chunkCount" AS ready`,
        [chunk.runId, result.checked, result.qualified, result.closed, result.reminders, chunkId],
      );
      return { ...result, runReady: run[0]?.ready ?? false };
    },
    // A lost commit is a chunk not DONE: the sweeper enqueues it again, nothing to wait for.
    { timeoutMs: 120_000, asyncCommit: true },
  );
}

// ───────────────────────────── finish the run: uplifts ─────────────────────────────

export interface FinishRunResult {
  /** True when the run was not ready (chunks still open) or already finished by someone else. */
  skipped: boolean;
  /** Uplift lines written. */
  uplifts: number;
  /** Enrollments the subsidy engine refused an uplift for (the reason is in the check's evidence). */
  refused: number;
  /** CLASS_HOUR claims looked at. */
  claims: number;
}

/**
 * The run's last step, once every chunk is DONE: file the employment uplift for every QUALIFIED check
 * whose enrollment has a live CLASS_HOUR base line and no uplift line yet (this run's and any earlier
 * one's whose uplift was refused then), grouped by claim so each claim is visited once, then mark the
 * run SUCCEEDED. One transaction with the run row locked: a second caller (the sweeper, a duplicated
 * job) waits and then finds it SUCCEEDED; a crash rolls it back and the sweeper finishes the run.
 * Uplift lines are unique by dedupKey, so nothing is ever filed twice.
 */
export async function finishCheckRun(prisma: PrismaClient, runId: string, { today }: { today: string }): Promise<FinishRunResult> {
  assertDate(today, 'today');
  return transaction(
    prisma,
    async (tx) => {
      const runs = await tx.$queryRaw<Array<{ status: string; ready: boolean }>>`
        SELECT status::text AS status, "chunksDone" >= "chunkCount" AS ready FROM "EmploymentCheckRun" WHERE id = ${runId}::uuid FOR UPDATE`;
      const run = runs[0];
      if (!run) throw new DomainError('NOT_FOUND', { zh: '核查批次不存在', en: 'Employment-check run not found' }, { field: 'runId' });
      if (run.status !== 'RUNNING' || !run.ready) return { skipped: true, uplifts: 0, refused: 0, claims: 0 };
      const sql: SqlSession = { query: <R>(text: string, params: readonly unknown[] = []) => tx.$queryRawUnsafe<R[]>(text, ...params) };
      const bases = await sql.query<BaseRow>(
        `SELECT b."enrollmentId"::text AS "enrollmentId", b."personId"::text AS "personId", bc.id::text AS "claimId", bc.number AS "claimNumber",
          bc."policyId"::text AS "policyId", bc.computation->'basis' AS basis
        FROM "SubsidyClaimLine" b JOIN "SubsidyClaim" bc ON bc.id = b."claimId"
        WHERE b.kind = 'CLASS_HOUR' AND b.part = 'MAIN' AND b.status <> 'REJECTED'
          AND bc."claimKind" = 'CLASS_HOUR' AND bc.status NOT IN ('REJECTED', 'WITHDRAWN')
          AND EXISTS (SELECT 1 FROM "EmploymentCheck" k WHERE k."enrollmentId" = b."enrollmentId" AND k.status = 'QUALIFIED')
          AND NOT EXISTS (SELECT 1 FROM "SubsidyClaimLine" u WHERE u."enrollmentId" = b."enrollmentId" AND u.part = 'EMPLOYMENT_UPLIFT')
        ORDER BY bc.id, b."enrollmentId"`,
      );
      let notes = new Map<string, UpliftNote>();
      if (bases.length > 0) {
        const { records, contributions } = await evidenceOf(sql, [...new Set(bases.map((b) => b.personId))]);
        notes = await fileUplifts(tx, today, bases, records, contributions);
      }
      if (notes.size > 0) {
        // The note (the line filed, or why not) goes into the evidence of the enrollment's QUALIFIED checks.
        await tx.$executeRaw`
          UPDATE "EmploymentCheck" k SET evidence = COALESCE(k.evidence, '{}'::jsonb) || jsonb_build_object('uplift', x.note), "updatedAt" = now()
          FROM jsonb_to_recordset(${JSON.stringify([...notes].map(([enrollmentId, note]) => ({ enrollmentId, note })))}::jsonb) AS x("enrollmentId" uuid, note jsonb)
          WHERE k."enrollmentId" = x."enrollmentId" AND k.status = 'QUALIFIED'`;
      }
      await tx.$executeRaw`UPDATE "EmploymentCheckRun" SET status = 'SUCCEEDED', "finishedAt" = now() WHERE id = ${runId}::uuid`;
      const uplifts = [...notes.values()].filter((n) => 'claimNumber' in n).length;
      return { skipped: false, uplifts, refused: notes.size - uplifts, claims: new Set(bases.map((b) => b.claimId)).size };
    },
    { timeoutMs: 600_000 },
  );
}

async function evidenceOf(sql: SqlSession, personIds: string[]): Promise<{ records: Map<string, EvidenceRecord[]>; contributions: Map<string, ContributionMonth[]> }> {
  const records = new Map<string, EvidenceRecord[]>();
  const contributions = new Map<string, ContributionMonth[]>();
  if (personIds.length === 0) return { records, contributions };
  const recordRows = await sql.query<EvidenceRecord & { personId: string }>(
    `SELECT id::text AS id, "personId"::text AS "personId", source::text AS source, confirmation::text AS confirmation,
      "employerCreditCode", "employerName", "contractStart"::text AS "contractStart", "contractEnd"::text AS "contractEnd",
      "contractMonths", "monthlyWageFen"
    FROM "EmploymentRecord" WHERE "personId" = ANY(string_to_array($1, ',')::uuid[])`,
    [idList(personIds)],
  );
  for (const { personId, ...r } of recordRows) {
    const list = records.get(personId) ?? [];
    list.push({ ...r, employerCreditCode: r.employerCreditCode?.trim() ?? null });
    records.set(personId, list);
  }
  // One row per person: its distinct (employer, month) pairs with the highest wage base, as
  // 'code:YYYYMM:wage' items joined by ',' (credit codes and months never hold either character). Both
  // groupings follow the order of x_contribution_person_month, so its index-only scan feeds them with no
  // sort or hash; one string per person instead of a row per month keeps the transfer and parsing small.
  const contributionRows = await sql.query<{ personId: string; items: string }>(
    `SELECT p AS "personId", string_agg(code || ':' || month || ':' || COALESCE(wage::text, ''), ',') AS items
    FROM (SELECT "personId" AS p, "employerCreditCode" AS code, month, max("wageBaseFen") AS wage
          FROM "SocialInsuranceContribution" WHERE "personId" = ANY(string_to_array($1, ',')::uuid[])
          GROUP BY 1, 2, 3) x
    GROUP BY p`,
    [idList(personIds)],
  );
  for (const { personId, items } of contributionRows) {
    const list: ContributionMonth[] = [];
    for (const item of items.split(',')) {
      const [employerCreditCode = '', month = '', wage = ''] = item.split(':');
      list.push({ employerCreditCode, month, wageBaseFen: wage === '' ? null : Number(wage) });
    }
    contributions.set(personId, list);
  }
  return { records, contributions };
}

// ───────────────────────────── reminders ─────────────────────────────

type StaffRow = { userId: string; organizationId: string };

/** Notifies the given active staff of each institution of its checks; returns how many notifications were written. */
async function sendReminders(
  tx: Tx,
  sender: NotificationSender,
  chunkId: string,
  checks: CheckRow[],
  classOf: (c: CheckRow) => ClassRow,
  staff: StaffRow[],
): Promise<number> {
  const byInstitution = new Map<string, CheckRow[]>();
  for (const c of checks) {
    const institutionId = classOf(c).institutionId;
    const list = byInstitution.get(institutionId) ?? [];
    list.push(c);
    byInstitution.set(institutionId, list);
  }
  const messages: OutgoingNotification[] = [];
  for (const s of staff) {
    const list = byInstitution.get(s.organizationId) ?? [];
    const first = list.reduce((d, c) => (c.dueOn < d ? c.dueOn : d), list[0]!.dueOn);
    const classes = new Set(list.map((c) => c.classId)).size;
    messages.push({
      userId: s.userId,
      kind: EMPLOYMENT_REMINDER_KIND,
      title: '就业跟踪核查即将截止 / Employment follow-up closing soon',
      body:
        `${list.length}项就业核查(${classes}个培训班)尚无就业证据,最早于${first}截止。请提醒学员申报就业或联系用人单位确认。\n` +
        `${list.length} employment check(s) in ${classes} class(es) have no evidence of employment yet; the first closes on ${first}. ` +
        'Remind the trainees to report their jobs or ask the employers to confirm.',
      dedupKey: `employment-reminder:${chunkId}:${s.organizationId}:${s.userId}`,
    });
  }
  return sender.send(tx, messages);
}

// ───────────────────────────── uplift ─────────────────────────────

type BaseRow = {
  enrollmentId: string;
  personId: string;
  claimId: string;
  claimNumber: string;
  policyId: string;
  basis: unknown;
};


/**
 * File the uplift line of each QUALIFIED enrollment with a live base line (see finishCheckRun). Returns a note per enrollment looked at (the line written, or why not).
 */
async function fileUplifts(
  tx: Tx,
  today: string,
  bases: BaseRow[],
  records: Map<string, EvidenceRecord[]>,
  contributions: Map<string, ContributionMonth[]>,
): Promise<Map<string, UpliftNote>> {
  const notes = new Map<string, UpliftNote>();
  if (bases.length === 0) return notes;

  const byClaim = new Map<string, BaseRow[]>();
  for (const b of bases) {
    const list = byClaim.get(b.claimId) ?? [];
    list.push(b);
    byClaim.set(b.claimId, list);
  }
  const claimIds = [...byClaim.keys()].sort();
  // Lock the CLASS_HOUR claims in a fixed order: two chunks of one class never open two supplementary claims.
  const originals = await tx.$queryRaw<
    Array<{ id: string; number: string; status: string; claimantId: string | null; claimantPersonId: string | null; regionCode: string; basisRef: string; policyId: string }>
  >`
    SELECT id::text AS id, number, status::text AS status, "claimantId"::text AS "claimantId", "claimantPersonId"::text AS "claimantPersonId",
      "regionCode", "basisRef", "policyId"::text AS "policyId"
    FROM "SubsidyClaim" WHERE id = ANY(${claimIds}::uuid[]) ORDER BY id FOR UPDATE`;
  const policyRows = await tx.subsidyPolicy.findMany({
    where: { id: { in: [...new Set(originals.map((o) => o.policyId))] } },
    select: { id: true, code: true, version: true, regionCode: true, kind: true, effectiveFrom: true, effectiveTo: true, rules: true },
  });
  const policies = new Map(policyRows.map((p) => [p.id, validated(p)]));
  const history = await historyOf(tx, [...new Set(bases.map((b) => b.personId))]);

  type Original = (typeof originals)[number];
  const pending: Array<{ original: Original; line: ReturnType<typeof computeClaim>['lines'][number]; enrollmentId: string | null }> = [];
  for (const original of originals) {
    if (original.status === 'REJECTED' || original.status === 'WITHDRAWN') continue;
    const rows = byClaim.get(original.id) ?? [];
    const policy = policies.get(original.policyId) ?? null;
    const refuseAll = (rule: string, zh: string, en: string) => {
      for (const r of rows) notes.set(r.enrollmentId, { refused: rule, zh, en, on: today });
    };
    if (!policy || policy.kind !== 'CLASS_HOUR') {
      refuseAll('POLICY_NOT_IN_FORCE', `申领${original.number}的政策无效`, `The policy of claim ${original.number} is not valid`);
      continue;
    }
    const stored = rows[0]!.basis as ClaimBasis | null;
    const basis: ClaimBasis | null = stored && stored.type === 'CLASS' ? stored : null;
    if (!basis) {
      refuseAll('MISSING_FACT', `申领${original.number}未记录计算依据`, `Claim ${original.number} has no stored basis`);
      continue;
    }
    const persons = [...new Map(rows.map((r) => [r.personId, r])).values()].map((r) => ({
      personId: r.personId,
      employment: contractEvidence(records.get(r.personId) ?? [], contributions.get(r.personId) ?? []).evidence,
    }));
    let computation: ReturnType<typeof computeClaim>;
    try {
      computation = computeClaim({ policy, kind: 'EMPLOYMENT_UPLIFT', basis, persons, history, filedOn: today });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      refuseAll(e.code, e.localized.zh, e.localized.en);
      continue;
    }
    const enrollmentOf = new Map(rows.map((r) => [r.personId, r.enrollmentId]));
    for (const x of computation.excluded) {
      const enrollmentId = enrollmentOf.get(x.personId);
      if (enrollmentId) notes.set(enrollmentId, { refused: x.rule, zh: x.zh, en: x.en, on: today });
    }
    if (computation.lines.length === 0) continue;

    for (const l of computation.lines) pending.push({ original, line: l, enrollmentId: enrollmentOf.get(l.personId) ?? null });
  }
  if (pending.length === 0) return notes;

  // The rest is a fixed number of statements for every claim of the run together.
  // Skip lines whose key is already live (a lost race elsewhere); ON CONFLICT covers the rest.
  const live = await tx.$queryRaw<Array<{ dedupKey: string }>>`
    SELECT "dedupKey" FROM "SubsidyClaimLine" WHERE "dedupKey" = ANY(${pending.map((p) => p.line.dedupKey)}::text[]) AND status <> 'REJECTED'`;
  const taken = new Set(live.map((l) => l.dedupKey));
  const toFile = pending.filter((p) => !taken.has(p.line.dedupKey));
  if (toFile.length === 0) return notes;
  const originalsWithLines = [...new Map(toFile.map((p) => [p.original.id, p.original])).values()];

  // The supplementary claim still SUBMITTED of each original collects its lines; the others get a new one.
  const open = await tx.$queryRaw<Array<{ id: string; number: string; supplements: string }>>`
    SELECT id::text AS id, number, "supplementsClaimId"::text AS supplements FROM "SubsidyClaim"
    WHERE "supplementsClaimId" = ANY(${originalsWithLines.map((o) => o.id)}::uuid[]) AND "claimKind" = 'EMPLOYMENT_UPLIFT' AND status = 'SUBMITTED'
    ORDER BY "supplementsClaimId", "createdAt", id FOR UPDATE`;
  // The first (oldest) open one of each original.
  const supplementaryOf = new Map<string, { id: string; number: string; created: boolean }>();
  for (const c of open) if (!supplementaryOf.has(c.supplements)) supplementaryOf.set(c.supplements, { id: c.id, number: c.number, created: false });
  const missing = originalsWithLines.filter((o) => !supplementaryOf.has(o.id));
  if (missing.length > 0) {
    const year = Number(today.slice(0, 4));
    const byRegion = new Map<string, typeof missing>();
    for (const o of missing) byRegion.set(o.regionCode, [...(byRegion.get(o.regionCode) ?? []), o]);
    const rows: object[] = [];
    for (const [regionCode, list] of byRegion) {
      const first = await nextSerial(tx, `claim:${regionCode}:${year}`, list.length);
      list.forEach((o, i) => {
        const basis = (byClaim.get(o.id) ?? [])[0]?.basis ?? null;
        rows.push({
          number: claimNumber(regionCode, year, first + i),
          claimantId: o.claimantId,
          claimantPersonId: o.claimantPersonId,
          regionCode,
          policyId: o.policyId,
          basisRef: o.basisRef,
          computation: { basis, facts: { supplements: o.number }, excluded: [], filedOn: today },
          supplements: o.id,
        });
      });
    }
    const created = await tx.$queryRaw<Array<{ id: string; number: string; supplements: string }>>`
      INSERT INTO "SubsidyClaim" (id, number, "claimantId", "claimantPersonId", "regionCode", "policyId", kind, "claimKind", "basisRef",
        computation, status, "totalFen", "submittedAt", "supplementsClaimId", "updatedAt")
      SELECT gen_random_uuid(), x.number, x."claimantId", x."claimantPersonId", x."regionCode", x."policyId", 'CLASS_HOUR', 'EMPLOYMENT_UPLIFT',
        x."basisRef", x.computation, 'SUBMITTED', 0, now(), x.supplements, now()
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(number text, "claimantId" uuid, "claimantPersonId" uuid, "regionCode" text,
        "policyId" uuid, "basisRef" text, computation jsonb, supplements uuid)
      RETURNING id::text AS id, number, "supplementsClaimId"::text AS supplements`;
    for (const c of created) supplementaryOf.set(c.supplements, { id: c.id, number: c.number, created: true });
  }

  // The partial unique index x_claim_line_dedup_active is the guarantee: a line already live is skipped, never doubled.
  const inserted = await insertClaimLines(
    tx,
    toFile.map(({ original, line, enrollmentId }) => claimLineRow(supplementaryOf.get(original.id)!.id, line, { enrollmentId })),
    { skipLive: true },
  );

  const addedBy = new Map<string, { lines: number; fen: number }>();
  for (const l of inserted) {
    const a = addedBy.get(l.claimId) ?? { lines: 0, fen: 0 };
    addedBy.set(l.claimId, { lines: a.lines + 1, fen: a.fen + l.amountFen });
  }
  const claims = [...supplementaryOf.entries()].map(([supplements, c]) => ({ ...c, supplements }));
  // A claim opened here that got no line (every key taken meanwhile) goes again.
  const empty = claims.filter((c) => c.created && !addedBy.has(c.id)).map((c) => c.id);
  if (empty.length > 0) await tx.$executeRaw`DELETE FROM "SubsidyClaim" WHERE id = ANY(${empty}::uuid[])`;
  if (addedBy.size > 0) {
    const totals = [...addedBy].map(([id, a]) => ({ id, fen: a.fen }));
    await tx.$executeRaw`
      UPDATE "SubsidyClaim" c SET "totalFen" = c."totalFen" + x.fen, "updatedAt" = now()
      FROM jsonb_to_recordset(${JSON.stringify(totals)}::jsonb) AS x(id uuid, fen bigint) WHERE c.id = x.id`;
    const numberOf = new Map(originalsWithLines.map((o) => [o.id, o.number]));
    await auditMany(
      tx,
      null,
      claims
        .filter((c) => addedBy.has(c.id))
        .map((c) => ({
          action: c.created ? 'claim.file' : 'claim.lines.add',
          entityType: 'SubsidyClaim',
          entityId: c.id,
          after: { number: c.number, kind: 'EMPLOYMENT_UPLIFT', supplements: numberOf.get(c.supplements), lines: addedBy.get(c.id)!.lines, addedFen: addedBy.get(c.id)!.fen },
        })),
    );
  }
  const numberOfClaim = new Map(claims.map((c) => [c.id, c.number]));
  for (const l of inserted) {
    if (l.enrollmentId) notes.set(l.enrollmentId, { claimNumber: numberOfClaim.get(l.claimId)!, amountFen: l.amountFen, dedupKey: l.dedupKey });
  }
  return notes;
}

// ───────────────────────────── sweeper ─────────────────────────────

export interface SweepResult {
  /** Chunks past their lease that were looked at. */
  examined: number;
  /** Of them, chunks whose job was missing, failed or finished without the chunk being DONE: enqueued again. */
  requeued: number;
  /** Runs whose chunks were all DONE but not yet finished (uplifts filed, SUCCEEDED): finished now. */
  finished: number;
}

/**
 * Re-enqueue the chunks of RUNNING runs that are not DONE and were (re-)enqueued more than `leaseMs`
 * ago, when their job is gone from Redis (wiped, restarted, removed), failed, or completed without
 * the chunk being DONE. Jobs still waiting or active are left alone (BullMQ's stalled-job check
 * recovers an active job whose worker died). Every chunk looked at gets a fresh lease. A chunk
 * enqueued MAX_CHUNK_ENQUEUES times is given up on (see there).
 */
export async function sweepCheckChunks(prisma: PrismaClient, queues: Queues, { leaseMs = DEFAULT_CHUNK_LEASE_MS }: { leaseMs?: number } = {}): Promise<SweepResult> {
  const due = await prisma.$queryRaw<Array<{ id: string; runDate: string }>>`
    SELECT ch.id::text AS id, r."runDate"::text AS "runDate"
    FROM "EmploymentCheckChunk" ch JOIN "EmploymentCheckRun" r ON r.id = ch."runId"
    WHERE r.status = 'RUNNING' AND ch.status <> 'DONE' AND ch.attempts < ${MAX_CHUNK_ENQUEUES}
      AND COALESCE(ch."enqueuedAt", r."startedAt") < now() - make_interval(secs => ${leaseMs / 1000}::double precision)
    ORDER BY ch."enqueuedAt" NULLS FIRST, ch.id LIMIT ${SWEEP_BATCH}`;
  const finished = await finishReadyRuns(prisma);
  if (due.length === 0) return { examined: 0, requeued: 0, finished };
  const queue = queues[EMPLOYMENT_CHECK_CHUNK_JOB.queue];
  const requeue: Array<{ id: string; runDate: string }> = [];
  const retried: string[] = [];
  for (const c of due) {
    const job = await queue.getJob(checkChunkJobId(c.id));
    const state = job ? await job.getState() : 'missing';
    if (state === 'missing' || state === 'unknown') requeue.push(c);
    else if (state === 'failed') {
      await job!.retry('failed');
      retried.push(c.id);
    } else if (state === 'completed') {
      await job!.remove();
      requeue.push(c);
    }
  }
  if (requeue.length > 0) {
    await queue.addBulk(
      requeue.map((c) => ({
        name: EMPLOYMENT_CHECK_CHUNK_JOB.name,
        data: { chunkId: c.id, runDate: c.runDate },
        opts: { ...EMPLOYMENT_CHECK_CHUNK_JOB.options, jobId: checkChunkJobId(c.id) },
      })),
    );
  }
  const again = [...requeue.map((c) => c.id), ...retried];
  await prisma.$executeRaw`
    UPDATE "EmploymentCheckChunk" SET "enqueuedAt" = now(),
      status = CASE WHEN status = 'DONE' THEN status ELSE 'ENQUEUED'::"CheckChunkStatus" END,
      attempts = attempts + CASE WHEN id = ANY(${again}::uuid[]) THEN 1 ELSE 0 END
    WHERE id = ANY(${due.map((c) => c.id)}::uuid[])`;
  return { examined: due.length, requeued: again.length, finished };
}

/** Finish the runs whose chunks are all DONE but whose last step did not end (its worker died). */
async function finishReadyRuns(prisma: PrismaClient): Promise<number> {
  const ready = await prisma.$queryRaw<Array<{ id: string; runDate: string }>>`
    SELECT id::text AS id, "runDate"::text AS "runDate" FROM "EmploymentCheckRun"
    WHERE status = 'RUNNING' AND "chunksDone" >= "chunkCount" ORDER BY "runDate"`;
  let finished = 0;
  for (const r of ready) if (!(await finishCheckRun(prisma, r.id, { today: r.runDate })).skipped) finished += 1;
  return finished;
}

// ───────────────────────────── API use cases ─────────────────────────────

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The employment checks of one enrollment or of one class, as far as the actor may see the
 * enrollments (scope.ts enrollmentScope). Exactly one of the two ids.
 */
export async function listEmploymentChecks(prisma: PrismaClient, actor: Actor, input: { enrollmentId?: string | null; classId?: string | null }) {
  const { enrollmentId, classId } = input;
  if ((enrollmentId ? 1 : 0) + (classId ? 1 : 0) !== 1) {
    throw new DomainError('VALIDATION', { zh: '须且只能指定报名记录或培训班之一', en: 'Give exactly one of enrollmentId and classId' }, { field: enrollmentId ? 'classId' : 'enrollmentId' });
  }
  const id = (enrollmentId ?? classId)!;
  if (!UUID.test(id)) throw new DomainError('VALIDATION', { zh: '编号格式无效', en: 'Not a valid id' }, { field: enrollmentId ? 'enrollmentId' : 'classId' });
  return prisma.employmentCheck.findMany({
    where: { enrollment: { AND: [enrollmentScope(actor), enrollmentId ? { id: enrollmentId } : { classId: classId! }] } },
    orderBy: [{ enrollmentId: 'asc' }, { checkpointMonths: 'asc' }],
    take: 10_000,
  });
}

export interface RequestCheckRunResult {
  runDate: string;
  /** The day's run existed already: running it again resumes it (chunks not done are enqueued again). */
  alreadyPlanned: boolean;
}

/**
 * A bureau officer or administrator asks for the day's run now (for demos, or after an outage): an
 * outbox event the relay turns into an `employment-check-run` job. Audited.
 */
export async function requestEmploymentCheckRun(prisma: PrismaClient, actor: Actor, input: { runDate: string }): Promise<RequestCheckRunResult> {
  if (!hasRole(actor, 'BUREAU_OFFICER', 'SYSTEM_ADMIN')) {
    throw new DomainError('FORBIDDEN', { zh: '只有人社部门或系统管理员可以启动就业核查', en: 'Only a bureau officer or an administrator may run the employment checks' });
  }
  assertDate(input.runDate, 'date');
  return transaction(prisma, async (tx) => {
    const existing = await tx.employmentCheckRun.findUnique({ where: { runDate: new Date(`${input.runDate}T00:00:00Z`) }, select: { id: true } });
    await emit(tx, { type: OUTBOX_EVENT_TYPES.employmentCheckRunRequested, aggregateType: 'EmploymentCheckRun', aggregateId: input.runDate, payload: { runDate: input.runDate } });
    await audit(tx, actor, { action: 'employment.checks.run', entityType: 'EmploymentCheckRun', entityId: existing?.id ?? input.runDate, after: { runDate: input.runDate } });
    return { runDate: input.runDate, alreadyPlanned: existing !== null };
  });
}
