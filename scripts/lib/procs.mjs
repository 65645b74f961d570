// The app processes start.mjs runs: their entry files, pid files and how to stop them.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { info, setting, VTC_DIR, warn } from './common.mjs';

export const APPS = {
  api: 'apps/api/src/main.ts',
  worker: 'apps/worker/src/main.ts',
};

export const pidFile = (name) => path.join(VTC_DIR, `${name}.pid`);

export function writePid(name, pid) {
  writeFileSync(pidFile(name), `${pid}\n`);
}

export function removePid(name, pid) {
  // Only remove a pid file that still names this process (another start may have replaced it).
  if (readPid(name) === pid) rmSync(pidFile(name), { force: true });
}

export function readPid(name) {
  try {
    const pid = Number.parseInt(readFileSync(pidFile(name), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  // A zombie (exited, not yet reaped by its parent) still answers signal 0.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Is `pid` alive and (where /proc tells) running this app's entry file? Guards against reused pids. */
export function isOurs(name, pid) {
  if (!pid || !isAlive(pid)) return false;
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return true;
  try {
    return readFileSync(cmdline, 'utf8')
      .split('\0')
      .some((arg) => arg.endsWith(APPS[name]));
  } catch {
    return false;
  }
}

/** Running apps recorded in .vtc/*.pid: [{ name, pid }]. Stale pid files are removed. */
export function runningApps() {
  const found = [];
  for (const name of Object.keys(APPS)) {
    const pid = readPid(name);
    if (pid === undefined) continue;
    if (isOurs(name, pid)) found.push({ name, pid });
    else rmSync(pidFile(name), { force: true });
  }
  return found;
}

/** How long to wait for a graceful stop: the apps' own grace period plus a margin. */
export function stopTimeoutMs() {
  const grace = Number(setting('SHUTDOWN_GRACE_MS'));
  return (Number.isFinite(grace) ? grace : 10_000) + 5_000;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * SIGTERM each pid, wait up to `timeoutMs` for all to exit, then SIGKILL the stragglers (and their
 * process groups: the apps are started as group leaders). Returns the names that had to be killed.
 */
export async function stopPids(procs, timeoutMs = stopTimeoutMs()) {
  for (const { name, pid } of procs) {
    try {
      process.kill(pid, 'SIGTERM');
      info(`sent SIGTERM to ${name} (pid ${pid})`);
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (procs.some(({ pid }) => isAlive(pid)) && Date.now() < deadline) await sleep(100);
  const killed = [];
  for (const { name, pid } of procs) {
    if (!isAlive(pid)) continue;
    warn(`${name} (pid ${pid}) did not stop within ${Math.round(timeoutMs / 1000)}s: SIGKILL`);
    killed.push(name);
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // not a group leader, or gone
      }
    }
  }
  return killed;
}
