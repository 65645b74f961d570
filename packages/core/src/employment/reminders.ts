import type { Tx } from '@vtc/db';
import type { NotificationSender, OutgoingNotification } from '../notification/sender.ts';
import type { SqlSession } from '@vtc/db';
import { EMPLOYMENT_REMINDER_KIND } from './constants.ts';
import { idList } from './sql.ts';

/**
 * Reminders of a chunk (chunk.ts): one notification per active staff member of each institution whose
 * checks are about to close without evidence of employment.
 */

export type StaffRow = { userId: string; organizationId: string };

/** The active INSTITUTION_STAFF users of these institutions. */
export async function activeStaffOf(sql: SqlSession, institutionIds: Iterable<string>): Promise<StaffRow[]> {
  return sql.query<StaffRow>(
    `SELECT DISTINCT rb."userId"::text AS "userId", rb."organizationId"::text AS "organizationId"
     FROM "RoleBinding" rb JOIN "User" u ON u.id = rb."userId"
     WHERE rb.role = 'INSTITUTION_STAFF' AND u.status = 'ACTIVE' AND rb."organizationId" = ANY(string_to_array($1, ',')::uuid[])`,
    [idList(institutionIds)],
  );
}

/** Notifies the given active staff of each institution of its checks; returns how many notifications were written. */
export async function sendReminders<C extends { classId: string; dueOn: string }>(
  tx: Tx,
  sender: NotificationSender,
  chunkId: string,
  checks: C[],
  institutionOf: (c: C) => string,
  staff: StaffRow[],
): Promise<number> {
  const byInstitution = new Map<string, C[]>();
  for (const c of checks) {
    const institutionId = institutionOf(c);
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

