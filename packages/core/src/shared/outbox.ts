import type { Tx } from '@vtc/db';

/**
 * Transactional outbox. A use case calls `emit` with the same transaction that writes its rows, so
 * the event exists if and only if the change committed. The relay (packages/jobs) publishes unpublished
 * rows to BullMQ. Payloads carry record ids only: never names or ID numbers.
 */
export type OutboxPayload = Record<string, string | number | boolean | null>;

export interface OutboxEventInput {
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload?: OutboxPayload;
}

export async function emit(tx: Tx, event: OutboxEventInput): Promise<bigint> {
  const row = await tx.outboxEvent.create({
    data: {
      type: event.type,
      aggregateType: event.aggregateType,
      aggregateId: event.aggregateId,
      payload: event.payload ?? {},
    },
    select: { id: true },
  });
  return row.id;
}
