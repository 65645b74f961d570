import type { JobHandler } from '@vtc/jobs';
import { auditDigestHandler } from './audit-digest.ts';
import { renderCertificateHandler, renderSessionDoneHandler, renderSessionHandler } from './certificate-documents.ts';
import { contributionImportHandler } from './contribution-import.ts';
import { employmentCheckChunkHandler, employmentCheckRunHandler, employmentCheckSweepHandler } from './employment-checks.ts';
import { importSweepHandler } from './import-sweep.ts';
import { rosterImportHandler } from './roster-import.ts';
import { welcomeNotificationHandler } from './welcome-notification.ts';

export { auditDigestHandler } from './audit-digest.ts';
export {
  createRenderCertificateHandler,
  type RenderCertificateHandlerOptions,
  renderCertificateHandler,
  renderSessionDoneHandler,
  renderSessionHandler,
} from './certificate-documents.ts';
export { contributionImportHandler } from './contribution-import.ts';
export { employmentCheckChunkHandler, employmentCheckRunHandler, employmentCheckSweepHandler } from './employment-checks.ts';
export { importSweepHandler } from './import-sweep.ts';
export { rosterImportHandler } from './roster-import.ts';
export { welcomeNotificationHandler } from './welcome-notification.ts';

/** One handler per job definition in @vtc/jobs (the worker checks this at start). */
export const HANDLERS: readonly JobHandler[] = [
  welcomeNotificationHandler,
  auditDigestHandler,
  rosterImportHandler,
  contributionImportHandler,
  renderSessionHandler,
  renderCertificateHandler,
  renderSessionDoneHandler,
  employmentCheckRunHandler,
  employmentCheckChunkHandler,
  employmentCheckSweepHandler,
  importSweepHandler,
];
