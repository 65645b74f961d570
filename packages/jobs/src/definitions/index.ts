import type { AnyJobDefinition } from '../definition.ts';
import { AUDIT_DIGEST_JOB } from './audit-digest.ts';
import { CONTRIBUTION_IMPORT_JOB } from './contribution-import.ts';
import { EMPLOYMENT_CHECK_CHUNK_JOB, EMPLOYMENT_CHECK_RUN_JOB, EMPLOYMENT_CHECK_SWEEP_JOB } from './employment-checks.ts';
import { IMPORT_SWEEP_JOB } from './import-sweep.ts';
import { RENDER_CERTIFICATE_JOB, RENDER_SESSION_DONE_JOB, RENDER_SESSION_JOB } from './certificate-documents.ts';
import { ROSTER_IMPORT_JOB } from './roster-import.ts';
import { WELCOME_NOTIFICATION_JOB } from './welcome-notification.ts';

export { AUDIT_DIGEST_JOB } from './audit-digest.ts';
export { CONTRIBUTION_IMPORT_JOB } from './contribution-import.ts';
export { checkChunkJobId, EMPLOYMENT_CHECK_CHUNK_JOB, EMPLOYMENT_CHECK_RUN_JOB, EMPLOYMENT_CHECK_SWEEP_JOB } from './employment-checks.ts';
export {
  RENDER_CERTIFICATE_JOB,
  RENDER_SESSION_DONE_JOB,
  RENDER_SESSION_JOB,
  renderCertificateJobId,
  renderSessionDoneJobId,
} from './certificate-documents.ts';
export { IMPORT_SWEEP_JOB } from './import-sweep.ts';
export { ROSTER_IMPORT_JOB } from './roster-import.ts';
export { WELCOME_NOTIFICATION_JOB } from './welcome-notification.ts';

/** Every job definition; the worker refuses to start if one has no handler. */
export const JOB_DEFINITIONS: readonly AnyJobDefinition[] = [
  WELCOME_NOTIFICATION_JOB,
  AUDIT_DIGEST_JOB,
  ROSTER_IMPORT_JOB,
  CONTRIBUTION_IMPORT_JOB,
  RENDER_SESSION_JOB,
  RENDER_CERTIFICATE_JOB,
  RENDER_SESSION_DONE_JOB,
  EMPLOYMENT_CHECK_RUN_JOB,
  EMPLOYMENT_CHECK_CHUNK_JOB,
  EMPLOYMENT_CHECK_SWEEP_JOB,
  IMPORT_SWEEP_JOB,
];
