#!/usr/bin/env node
// `npm start`: install, generate, wait for PostgreSQL and Redis, migrate, seed, then run the API and
// the worker until Ctrl-C. Plain Node builtins only, so it runs on a machine that has never installed.
//
//   VTC_START_DETACH=1 npm start   exit 0 once the API is ready, leaving the API and the worker running
//                                  in the background (logs in .vtc/logs/, pids in .vtc/); `npm run stop`
//                                  stops them.
//   NODE_ENV=production npm start  the seed loads reference data only and the banner lists no demo logins.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import {
  binScript,
  c,
  childEnv,
  ensureVtcDir,
  Failure,
  fatal,
  info,
  LOG_DIR,
  loadDotEnv,
  ROOT,
  runOrFail,
  seconds,
  setting,
  step,
  warn,
} from './lib/common.mjs';
import { banner } from './lib/demo.mjs';
import { ensureInstalled, generatePrismaClient } from './lib/install.mjs';
import { APPS, isAlive, removePid, runningApps, stopPids, stopTimeoutMs, writePid } from './lib/procs.mjs';
import { waitForServices } from './lib/services.mjs';

loadDotEnv(); // before reading any setting below
const READY_TIMEOUT_MS = 60_000;
const SERVICES_TIMEOUT_MS = 60_000;
const detached = ['1', 'true', 'yes'].includes(String(process.env.VTC_START_DETACH ?? '').toLowerCase());
const started = Date.now();

const port = Number(setting('PORT'));
// The API listens on HOST (default 0.0.0.0); probe it over loopback unless it is bound to one address.
const host = setting('HOST');
const probeHost = ['0.0.0.0', '::', ''].includes(host) ? '127.0.0.1' : host;

/** name → { proc, exited: Promise<{code, signal}> } for the API and the worker. */
const children = new Map();
let stopping = false;

function tsxRun(file) {
  // Same as `npx tsx <file>`, without the extra npx and tsx processes: the pid is the app's own.
  return [process.execPath, ['--import', 'tsx', file]];
}

async function migrateAndSeed() {
  const m = step('Migrating the database (packages/db/src/cli/migrate.ts)');
  await runOrFail('migration', ...tsxRun('packages/db/src/cli/migrate.ts'));
  m();
  if (!existsSync(path.join(ROOT, 'prisma/seed.ts'))) {
    warn('prisma/seed.ts does not exist yet: no demo data');
    return;
  }
  const s = step(
    setting('NODE_ENV') === 'production'
      ? 'Loading reference data (prisma/seed.ts; production: no demo accounts or demo data)'
      : 'Seeding demo data (prisma/seed.ts; seeds once)',
  );
  await runOrFail('seed', ...tsxRun('prisma/seed.ts'));
  s();
}

/** Forward a stream line by line, each line prefixed, so the two apps' output never interleaves mid-line. */
function prefixLines(stream, out, prefix) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    pending += chunk;
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      out.write(`${prefix}${pending.slice(0, nl)}\n`);
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
  });
  stream.on('end', () => {
    if (pending) out.write(`${prefix}${pending}\n`);
    pending = '';
  });
}

function startApp(name, color) {
  const file = APPS[name];
  if (!existsSync(path.join(ROOT, file))) throw new Failure(`${file} does not exist: cannot start the ${name}`);
  const [cmd, args] = tsxRun(file);
  let proc;
  // Each app leads its own process group, so a Ctrl-C reaches it only once, through us.
  if (detached) {
    const log = openSync(path.join(LOG_DIR, `${name}.log`), 'a');
    proc = spawn(cmd, args, { cwd: ROOT, env: childEnv(), detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
  } else {
    proc = spawn(cmd, args, { cwd: ROOT, env: childEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = color(`[${name}]`.padEnd(9));
    prefixLines(proc.stdout, process.stdout, prefix);
    prefixLines(proc.stderr, process.stderr, prefix);
  }
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
    proc.on('error', (err) => resolve({ code: null, signal: null, err }));
  });
  children.set(name, { proc, exited });
  writePid(name, proc.pid);
  info(`started ${name} (pid ${proc.pid}): node --import tsx ${file}`);
  exited.then(({ code, signal, err }) => {
    removePid(name, proc.pid);
    if (stopping) return;
    const how = err ? err.message : signal ? `signal ${signal}` : `exit code ${code}`;
    onFatal(new Failure(`the ${name} stopped unexpectedly (${how})`));
  });
}

/** Stop both apps (SIGTERM, bounded wait, then SIGKILL) and exit with `code`. */
async function shutdown(code, reason) {
  if (stopping) return;
  stopping = true;
  if (reason) info(reason);
  const live = [...children].filter(([, ch]) => isAlive(ch.proc.pid)).map(([name, ch]) => ({ name, pid: ch.proc.pid }));
  const killed = await stopPids(live, stopTimeoutMs());
  await Promise.all([...children.values()].map((ch) => ch.exited));
  for (const [name, ch] of children) removePid(name, ch.proc.pid);
  process.exit(killed.length ? 1 : code);
}

function onFatal(err) {
  if (children.size === 0) fatal(err);
  if (err instanceof Failure) console.error(`${c.red('vtc ✗ ')}${err.message}`);
  else console.error(err);
  if (detached) printLogTails();
  shutdown(1, 'stopping the other processes');
}

function printLogTails() {
  for (const name of Object.keys(APPS)) {
    const file = path.join(LOG_DIR, `${name}.log`);
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-30);
    console.error(c.dim(`── last lines of .vtc/logs/${name}.log ──`));
    console.error(lines.join('\n'));
  }
}

function portInUse(p) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: probeHost, port: p });
    sock.setTimeout(1000);
    sock.on('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('timeout', () => {
      sock.destroy();
      resolve(false);
    });
    sock.on('error', () => resolve(false));
  });
}

function getStatus(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(undefined));
  });
}

async function waitReady() {
  const url = `http://${probeHost.includes(':') ? `[${probeHost}]` : probeHost}:${port}/readyz`;
  const done = step(`Waiting for ${url} to answer 200 (up to ${READY_TIMEOUT_MS / 1000}s)`);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last;
  while (Date.now() < deadline) {
    if (stopping) return new Promise(() => {}); // a child died: shutdown() exits
    last = await getStatus(url);
    if (last === 200) return done('ready');
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Failure(
    `${url} did not answer 200 within ${READY_TIMEOUT_MS / 1000}s (last answer: ${last ?? 'no connection'})`,
  );
}

async function main() {
  ensureVtcDir();
  const already = runningApps();
  if (already.length) {
    throw new Failure(
      `VTC is already running (${already.map((a) => `${a.name} pid ${a.pid}`).join(', ')}). Stop it first: npm run stop`,
    );
  }

  await ensureInstalled();
  await generatePrismaClient({ always: false });
  if (!binScript('tsx')) throw new Failure('tsx is not installed (node_modules/tsx): run npm install');

  const w = step('Checking PostgreSQL and Redis');
  await waitForServices({ timeoutMs: SERVICES_TIMEOUT_MS });
  w();

  await migrateAndSeed();

  if (await portInUse(port)) {
    throw new Failure(`port ${port} is already in use: is another API running? Stop it, or set PORT.`);
  }

  step(`Starting the API and the worker${detached ? ' in the background (logs in .vtc/logs/)' : ''}`);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => shutdown(0, `${sig}: stopping the API and the worker`));
  }
  startApp('api', c.cyan);
  startApp('worker', c.magenta);

  await waitReady();
  const pids = Object.fromEntries([...children].map(([name, ch]) => [name, ch.proc.pid]));
  console.log(banner({ port, pids, detached }));
  info(`ready in ${seconds(Date.now() - started)}`);

  if (detached) {
    for (const ch of children.values()) {
      ch.proc.unref();
    }
    stopping = true; // our exit is not the apps' death
    process.exit(0);
  }
}

// If this script dies for any reason, do not leave the apps behind (in detached mode they are meant to stay).
process.on('exit', () => {
  if (detached && stopping) return;
  for (const ch of children.values()) {
    if (ch.proc.exitCode === null && ch.proc.signalCode === null) {
      try {
        process.kill(ch.proc.pid, 'SIGTERM');
      } catch {
        // gone
      }
    }
  }
});

main().catch(onFatal);
