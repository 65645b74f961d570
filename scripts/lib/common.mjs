// Shared helpers for scripts/start.mjs, scripts/test.mjs and scripts/stop.mjs.
// Plain Node builtins only: these run before `npm install` has ever happened.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const VTC_DIR = path.join(ROOT, '.vtc');
export const LOG_DIR = path.join(VTC_DIR, 'logs');

// Defaults mirror packages/config/src/index.ts; keep them in step.
export const DEFAULTS = {
  NODE_ENV: 'development',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/vtc',
  REDIS_URL: 'redis://127.0.0.1:6379',
  PORT: '4000',
  HOST: '0.0.0.0',
  DEMO_PASSWORD: 'Vtc@2026demo',
  SHUTDOWN_GRACE_MS: '10000',
};

/** The value packages/config would see: the environment, else its default. */
export function setting(name) {
  const v = process.env[name];
  return v === undefined || v === '' ? DEFAULTS[name] : v;
}

/** Load ./.env if present. Variables already in the environment win (process.loadEnvFile never overrides). */
export function loadDotEnv() {
  const file = path.join(ROOT, '.env');
  if (existsSync(file)) {
    process.loadEnvFile(file);
    info(`loaded ${path.relative(ROOT, file)}`);
  }
}

export function ensureVtcDir() {
  mkdirSync(LOG_DIR, { recursive: true });
}

// ── output ──────────────────────────────────────────────────────────────────────────────────────
const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
const paint = (code) => (s) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : String(s));
export const c = {
  bold: paint('1'),
  dim: paint('2'),
  red: paint('31'),
  green: paint('32'),
  yellow: paint('33'),
  blue: paint('34'),
  magenta: paint('35'),
  cyan: paint('36'),
};

export function info(msg) {
  console.log(`${c.dim('vtc')} ${msg}`);
}
export function warn(msg) {
  console.log(`${c.yellow('vtc ! ')}${msg}`);
}
export function error(msg) {
  console.error(`${c.red('vtc ✗ ')}${msg}`);
}

export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Print a step header; returns a function that prints its duration and returns the elapsed ms. */
export function step(title) {
  console.log(`${c.bold(c.blue('==>'))} ${c.bold(title)}`);
  const started = Date.now();
  return (note = 'done') => {
    const ms = Date.now() - started;
    console.log(`${c.dim('   ')} ${note} ${c.dim(`(${seconds(ms)})`)}`);
    return ms;
  };
}

export class Failure extends Error {}

/** Print a Failure's message (or a crash's stack) and exit 1. */
export function fatal(err) {
  if (err instanceof Failure) error(err.message);
  else error(err?.stack ?? String(err));
  process.exit(1);
}

// ── processes ───────────────────────────────────────────────────────────────────────────────────
/** Environment for every child: node_modules/.bin on PATH (as under `npm run`), no update checks or telemetry. */
export function childEnv(extra = {}) {
  const bin = path.join(ROOT, 'node_modules', '.bin');
  const PATH = [bin, ...(process.env.PATH ?? '').split(path.delimiter).filter((p) => p && p !== bin)].join(
    path.delimiter,
  );
  return {
    ...process.env,
    PATH,
    CHECKPOINT_DISABLE: '1', // Prisma's update check
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  };
}

/** [command, args] that run npm: the npm that launched us when there is one, else npm from PATH. */
export function npmCommand(args) {
  const execPath = process.env.npm_execpath;
  if (execPath && /\.(c|m)?js$/.test(execPath) && existsSync(execPath)) {
    return [process.execPath, [execPath, ...args]];
  }
  return [process.platform === 'win32' ? 'npm.cmd' : 'npm', args];
}

/** Absolute path of a package's bin script in node_modules, or undefined when not installed. */
export function binScript(pkg, name = pkg) {
  const dir = path.join(ROOT, 'node_modules', pkg);
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const rel = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[name];
    return rel ? path.join(dir, rel) : undefined;
  } catch {
    return undefined;
  }
}

/** [command, args] running a package's bin with this Node (no npx, no shell). */
export function nodeBin(pkg, name, args) {
  const script = binScript(pkg, name);
  if (!script) throw new Failure(`${pkg} is not installed (node_modules/${pkg}); run npm install`);
  return [process.execPath, [script, ...args]];
}

/**
 * Run a command to completion. stdio 'inherit' by default; with `capture: true` stdout and stderr
 * are collected together and returned as `output`. Resolves { code, signal, output }.
 */
export function run(command, args, { capture = false, env = childEnv(), cwd = ROOT } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    });
    let output = '';
    if (capture) {
      child.stdout.on('data', (d) => {
        output += d;
      });
      child.stderr.on('data', (d) => {
        output += d;
      });
    }
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, output }));
  });
}

/** Run and throw a Failure naming `what` when the command does not exit 0. */
export async function runOrFail(what, command, args, options) {
  const r = await run(command, args, options);
  if (r.code !== 0) {
    if (options?.capture && r.output) process.stdout.write(r.output);
    throw new Failure(`${what} failed (exit ${r.signal ?? r.code})`);
  }
  return r;
}

// ── workspace ───────────────────────────────────────────────────────────────────────────────────
export function rootManifest() {
  return JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
}

/** Workspace folders (relative to ROOT) from the root package.json's `workspaces` (`dir/*` or `dir`). */
export function workspaceDirs() {
  const patterns = rootManifest().workspaces ?? [];
  const dirs = [];
  for (const pattern of Array.isArray(patterns) ? patterns : (patterns.packages ?? [])) {
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2);
      const abs = path.join(ROOT, parent);
      if (!existsSync(abs)) continue;
      for (const e of readdirSync(abs, { withFileTypes: true })) {
        if (e.isDirectory() && existsSync(path.join(abs, e.name, 'package.json'))) dirs.push(`${parent}/${e.name}`);
      }
    } else if (existsSync(path.join(ROOT, pattern, 'package.json'))) {
      dirs.push(pattern);
    }
  }
  return dirs.sort();
}

export function mtimeMs(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Mask the password in a URL for printing. */
export function redactUrl(raw) {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return raw;
  }
}
