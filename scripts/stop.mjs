#!/usr/bin/env node
// `npm run stop`: stop the API and the worker that `npm start` recorded in .vtc/*.pid
// (typically started with VTC_START_DETACH=1). SIGTERM, a bounded wait, then SIGKILL.
import { fatal, info, loadDotEnv } from './lib/common.mjs';
import { pidFile, runningApps, stopPids } from './lib/procs.mjs';
import { rmSync } from 'node:fs';

async function main() {
  loadDotEnv();
  const procs = runningApps();
  if (procs.length === 0) {
    info('VTC is not running (no live pids in .vtc/)');
    return;
  }
  const killed = await stopPids(procs);
  for (const { name } of procs) rmSync(pidFile(name), { force: true });
  info(`stopped ${procs.map((p) => p.name).join(' and ')}${killed.length ? ` (killed: ${killed.join(', ')})` : ''}`);
}

main().catch(fatal);
