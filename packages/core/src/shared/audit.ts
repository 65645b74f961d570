import type { Tx } from '@vtc/db';
import type { Actor } from './actor.ts';

/** Every state change and every unmasked read writes one append-only audit row. */
export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

export async function audit(tx: Tx, actor: Actor | null, input: AuditInput): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorUserId: actor?.userId ?? null,
      actorRole: actor?.roles.map((r) => r.role).join(',') ?? 'SYSTEM',
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      before: input.before === undefined ? undefined : (JSON.parse(JSON.stringify(input.before, bigintSafe)) as object),
      after: input.after === undefined ? undefined : (JSON.parse(JSON.stringify(input.after, bigintSafe)) as object),
      requestId: actor?.requestId ?? null,
      ip: actor?.ip ?? null,
    },
  });
}

/** Many audit rows in one statement (a batch step acting on many records at once). */
export async function auditMany(tx: Tx, actor: Actor | null, inputs: readonly AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const json = (v: unknown) => (v === undefined ? undefined : (JSON.parse(JSON.stringify(v, bigintSafe)) as object));
  await tx.auditLog.createMany({
    data: inputs.map((input) => ({
      actorUserId: actor?.userId ?? null,
      actorRole: actor?.roles.map((r) => r.role).join(',') ?? 'SYSTEM',
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      before: json(input.before),
      after: json(input.after),
      requestId: actor?.requestId ?? null,
      ip: actor?.ip ?? null,
    })),
  });
}

function bigintSafe(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
