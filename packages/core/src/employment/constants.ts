/** Enrollments per chunk of a run, unless the caller says otherwise. */
export const DEFAULT_CHUNK_SIZE = 500;
/** How long a chunk's job may take before the sweeper looks at it again. */
export const DEFAULT_CHUNK_LEASE_MS = 30_000;
/** The notification kind of the reminders a run sends. */
export const EMPLOYMENT_REMINDER_KIND = 'EMPLOYMENT_CHECK_REMINDER';
/**
 * A chunk enqueued this often without getting DONE (each time with the job's own retries) is left
 * alone by the sweeper: a poison chunk must not loop forever. Its open checks are planned again
 * by the next day's run; the run stays RUNNING, which shows in monitoring.
 */
export const MAX_CHUNK_ENQUEUES = 20;
