import type { AnyJobDefinition, JobInput } from './definition.ts';
import { CONTRIBUTION_IMPORT_JOB, EMPLOYMENT_CHECK_RUN_JOB, RENDER_SESSION_JOB, ROSTER_IMPORT_JOB, WELCOME_NOTIFICATION_JOB } from './definitions/index.ts';

/** Event types written to the outbox by `core` use cases (`emit(tx, { type, ... })`). */
export const OUTBOX_EVENT_TYPES = {
  userRegistered: 'user.registered',
  rosterImportRequested: 'roster.import.requested',
  contributionImportRequested: 'contribution.import.requested',
  assessmentClosed: 'assessment.closed',
  certificateRenderRetryRequested: 'certificate.render.retry.requested',
  employmentCheckRunRequested: 'employment.check.run.requested',
} as const;

export type OutboxEventType = (typeof OUTBOX_EVENT_TYPES)[keyof typeof OUTBOX_EVENT_TYPES];

/** An outbox row as the relay sees it. */
export interface RelayedEvent {
  id: bigint;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}

export interface OutboxRoute<D extends AnyJobDefinition = AnyJobDefinition> {
  readonly job: D;
  /** Build the job payload (record ids only) from the event. `eventId` is the idempotency key. */
  readonly payload: (event: RelayedEvent) => JobInput<D>;
}

export type OutboxRoutes = Readonly<Record<string, OutboxRoute>>;

function route<D extends AnyJobDefinition>(job: D, payload: (event: RelayedEvent) => JobInput<D>): OutboxRoute<D> {
  return { job, payload };
}

/**
 * Event type → queue and job. An event type missing here is not published: the relay notes
 * "no route" in the row's lastError and moves on; once a route is deployed the row is published.
 */
export const OUTBOX_ROUTES: OutboxRoutes = {
  [OUTBOX_EVENT_TYPES.userRegistered]: route(WELCOME_NOTIFICATION_JOB, (e) => ({
    eventId: e.id.toString(),
    userId: e.aggregateId,
  })),
  [OUTBOX_EVENT_TYPES.rosterImportRequested]: route(ROSTER_IMPORT_JOB, (e) => ({ importId: e.aggregateId })),
  [OUTBOX_EVENT_TYPES.contributionImportRequested]: route(CONTRIBUTION_IMPORT_JOB, (e) => ({ importId: e.aggregateId })),
  [OUTBOX_EVENT_TYPES.assessmentClosed]: route(RENDER_SESSION_JOB, (e) => ({ sessionId: e.aggregateId })),
  [OUTBOX_EVENT_TYPES.certificateRenderRetryRequested]: route(RENDER_SESSION_JOB, (e) => ({ sessionId: e.aggregateId, retryOf: e.id.toString() })),
  [OUTBOX_EVENT_TYPES.employmentCheckRunRequested]: route(EMPLOYMENT_CHECK_RUN_JOB, (e) => ({ runDate: String(e.payload.runDate) })),
};

/** Job id of the job published for an outbox row: a second publish of the same row is a no-op in BullMQ. */
export function outboxJobId(eventId: bigint): string {
  return `outbox-${eventId}`;
}
