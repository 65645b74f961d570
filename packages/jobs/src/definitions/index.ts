import type { AnyJobDefinition } from '../definition.ts';
import { AUDIT_DIGEST_JOB } from './audit-digest.ts';
import { ROSTER_IMPORT_JOB } from './roster-import.ts';
import { WELCOME_NOTIFICATION_JOB } from './welcome-notification.ts';

export { AUDIT_DIGEST_JOB } from './audit-digest.ts';
export { ROSTER_IMPORT_JOB } from './roster-import.ts';
export { WELCOME_NOTIFICATION_JOB } from './welcome-notification.ts';

/** Every job definition; the worker refuses to start if one has no handler. */
export const JOB_DEFINITIONS: readonly AnyJobDefinition[] = [WELCOME_NOTIFICATION_JOB, AUDIT_DIGEST_JOB, ROSTER_IMPORT_JOB];
