export { auditDigestHandler, HANDLERS, welcomeNotificationHandler } from './handlers/index.ts';
export { createProcessor, type JobRef, type ProcessorDeps, type WorkerHooks } from './processor.ts';
export { type RunningWorker, type StartWorkerOptions, startWorker } from './worker.ts';
