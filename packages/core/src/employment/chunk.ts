import { hash } from 'node:crypto';
import { type PrismaClient, type Tx, transaction } from '@vtc/db';
import { assertCalendarDate, DEFAULT_REMINDER_DAYS, DomainError, decideEmployment, type EmploymentDecision, reminderWanted } from '@vtc/domain';
import { InAppNotificationSender, type NotificationSender } from '../notification/sender.ts';
import { sqlTransaction } from '@vtc/db';
import { evidenceOf } from './person-evidence.ts';
import { publishedPoliciesSql, rulesResolver } from './policies.ts';
import { activeStaffOf, sendReminders } from './reminders.ts';
import { idList, OPEN_CHECK_SQL } from './sql.ts';

/**
 * One chunk of a run: a contiguous range of enrollment ids. Its checks and their evidence are read in
 * a handful of statements, each check is decided by the domain rules (domain/employment
 * decideEmployment), the outcomes that changed are written in one UPDATE (each check keeps the SHA-256
 * digest of its last outcome: an open check is decided again every day and most days nothing about it
 * changes), reminders go out, and the chunk is marked DONE and counted on its run — all in one
 * transaction, so a chunk is either wholly done or not at all, and doing it again changes nothing (a
 * DONE chunk is skipped; decided checks are never re-decided). The evidence stored is the decision's
 * compact structured form; describeEmploymentEvidence words it.
 */

/** The digest kept in EmploymentCheck.outcomeHash: SHA-256 of the outcome's JSON, base64url, its first 22 characters (132 bits). */
function outcomeDigest(outcome: string): string {
  return hash('sha256', outcome, 'base64url').slice(0, 22);
}

/** No evidence rows (shared, never mutated). */
const NONE: readonly never[] = [];

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

/**
 * Check one chunk (see the comment at the top of this file). Throws NOT_FOUND for an unknown chunk. Idempotent: a DONE
 * chunk is skipped; a chunk interrupted before its commit left nothing behind.
 */
export async function checkChunk(prisma: PrismaClient, chunkId: string, options: CheckChunkOptions): Promise<CheckChunkResult> {
  const { today } = options;
  assertCalendarDate(today, 'today');
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
      const toRemind = checks.filter((c, i) => reminderWanted({ reminded: c.reminded, status: decisions[i]!.status, dueOn: c.dueOn }, today, reminderDays));
      let reminders = 0;
      const remindedIds = new Set<string>();
      if (toRemind.length > 0) {
        const institutionOf = (c: CheckRow) => classOf(c).institutionId;
        const staff = await activeStaffOf(sql, new Set(toRemind.map(institutionOf)));
        if (staff.length > 0) {
          const reached = new Set(staff.map((x) => x.organizationId));
          const due = toRemind.filter((c) => reached.has(institutionOf(c)));
          reminders = await sideEffects((t) => sendReminders(t, sender, chunkId, due, institutionOf, staff));
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

