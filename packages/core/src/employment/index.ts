/**
 * Employment after training (就业跟踪).
 *
 * The daily run decides every open employment check in Postgres, in steps, one file each:
 * - ensure.ts — ensureEmploymentChecks creates the missing EmploymentCheck rows (one per COMPLETED
 *   enrollment and checkpoint: 3 and 6 months by default, plus the window of any uplift/outcome
 *   policy of the class's region) in ONE INSERT … SELECT;
 * - plan.ts — planCheckRun makes the day's EmploymentCheckRun (one per date; planning the same day
 *   again resumes it) and its chunks: contiguous ranges of enrollment ids holding open checks,
 *   `chunkSize` enrollments each, never one job per person; enqueueCheckChunks adds their jobs,
 *   startCheckRun does both (the `employment-check-run` job);
 * - chunk.ts — checkChunk decides one chunk's checks in one transaction (the `employment-check-chunk` job);
 * - finish.ts — finishCheckRun, once every chunk is DONE (the last chunk's job calls it; the sweeper
 *   does if that worker died), files the employment uplifts of all QUALIFIED checks and marks the
 *   run SUCCEEDED;
 * - sweep.ts — sweepCheckChunks re-enqueues, from Postgres alone, chunks of running runs whose job is
 *   gone from Redis (a wiped or restarted Redis) or failed.
 * Open checks are those not yet decided (`decidedAt` null: PENDING, or EMPLOYED while the window is
 * still open). The API reads checks through list.ts and asks for a run through request-run.ts;
 * evidence.ts takes the trainees' self-reports and the employers' answers; scorecards.ts reports the
 * outcomes per class, institution, occupation, labour brand or region.
 */
export * from './chunk.ts';
export * from './constants.ts';
export * from './ensure.ts';
export * from './evidence.ts';
export * from './finish.ts';
export * from './list.ts';
export * from './plan.ts';
export * from './request-run.ts';
export * from './scorecards.ts';
export * from './sweep.ts';
