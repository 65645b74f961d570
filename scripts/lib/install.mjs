// Dependency install and Prisma client generation, shared by start and test.
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import {
  c,
  Failure,
  info,
  mtimeMs,
  nodeBin,
  npmCommand,
  ROOT,
  run,
  runOrFail,
  step,
  warn,
  workspaceDirs,
} from './common.mjs';

const MARKER = path.join(ROOT, 'node_modules', '.package-lock.json');
const LOCKFILE = path.join(ROOT, 'package-lock.json');

/** Why an install is needed, or undefined when node_modules is up to date. */
export function installReason() {
  if (!existsSync(path.join(ROOT, 'node_modules'))) return 'node_modules is missing';
  const installed = mtimeMs(MARKER);
  if (installed === undefined) return 'node_modules/.package-lock.json is missing';
  const manifests = [LOCKFILE, path.join(ROOT, 'package.json')].concat(
    workspaceDirs().map((d) => path.join(ROOT, d, 'package.json')),
  );
  for (const file of manifests) {
    const m = mtimeMs(file);
    if (m !== undefined && m > installed) return `${path.relative(ROOT, file)} changed since the last install`;
  }
  return undefined;
}

/**
 * Can `npm ci` use the lockfile? npm 11.16+ leaves optional platform packages it cannot use out of the
 * lockfile it writes, then `npm ci` rejects that same lockfile as "not in sync" (npm/cli#9846). A dry
 * run answers in about a second without touching node_modules.
 */
async function lockfileAcceptedByCi() {
  const r = await run(...npmCommand(['ci', '--dry-run', '--no-audit', '--no-fund']), { capture: true });
  if (r.code === 0) return true;
  if (/can only install packages when your package\.json and package-lock\.json/.test(r.output)) {
    const missing = (r.output.match(/Missing: /g) ?? []).length;
    warn(
      `npm ci rejects package-lock.json as out of sync (${missing} "Missing"; a changed package.json, or npm/cli#9846): using npm install`,
    );
    return false;
  }
  process.stdout.write(r.output);
  throw new Failure(`npm ci --dry-run failed (exit ${r.code})`);
}

/**
 * Install when node_modules is missing or stale. A missing node_modules (a fresh clone, CI) gets `npm ci`
 * when the lockfile allows it; a stale one gets `npm install`, which installs the locked versions and
 * reconciles an edited package.json without deleting node_modules first as `npm ci` would.
 */
export async function ensureInstalled() {
  const reason = installReason();
  if (!reason) {
    info('dependencies are up to date');
    return false;
  }
  const done = step(`Installing dependencies (${reason})`);
  const fresh = !existsSync(path.join(ROOT, 'node_modules'));
  const command = fresh && existsSync(LOCKFILE) && (await lockfileAcceptedByCi()) ? 'ci' : 'install';
  info(`npm ${command}`);
  await runOrFail(`npm ${command}`, ...npmCommand([command, '--no-audit', '--no-fund']));
  // npm may leave the hidden lockfile older than package-lock.json: mark this install as current.
  if (existsSync(MARKER)) {
    const now = new Date();
    utimesSync(MARKER, now, now);
  }
  done();
  return true;
}

/** Files (or folders) the generators in prisma/schema.prisma write, from their `output` lines. */
export function generatorOutputs(schemaFile = path.join(ROOT, 'prisma', 'schema.prisma')) {
  const text = readFileSync(schemaFile, 'utf8');
  const outputs = [];
  for (const block of text.matchAll(/^\s*generator\s+\w+\s*\{([\s\S]*?)^\s*\}/gm)) {
    const m = /^\s*output\s*=\s*"([^"]+)"/m.exec(block[1]);
    if (m) outputs.push(path.resolve(path.dirname(schemaFile), m[1]));
  }
  return outputs;
}

/** When an output was last generated: a file's mtime, or the newest file directly inside a folder. */
function generatedAt(output) {
  try {
    const st = statSync(output);
    if (!st.isDirectory()) return st.mtimeMs;
    const times = readdirSync(output, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => statSync(path.join(output, e.name)).mtimeMs);
    return times.length ? Math.max(...times) : undefined;
  } catch {
    return undefined;
  }
}

/** Why the Prisma client must be generated, or undefined when it is current. */
export function prismaReason() {
  const schema = path.join(ROOT, 'prisma', 'schema.prisma');
  if (!existsSync(schema)) return undefined;
  const inputs = [schema, path.join(ROOT, 'prisma.config.ts'), MARKER];
  const newestInput = Math.max(...inputs.map((f) => mtimeMs(f) ?? 0));
  for (const out of generatorOutputs(schema)) {
    const at = generatedAt(out);
    if (at === undefined) return `${path.relative(ROOT, out)} is missing`;
    if (at < newestInput) return `${path.relative(ROOT, out)} is older than the schema or the install`;
  }
  return undefined;
}

/** `prisma generate` (offline through prisma.config.ts). With `always: false`, only when stale. */
export async function generatePrismaClient({ always }) {
  const reason = always ? 'always before tests' : prismaReason();
  if (!reason) {
    info('Prisma client is up to date');
    return false;
  }
  const done = step(`Generating the Prisma client ${c.dim(`(${reason})`)}`);
  await runOrFail('prisma generate', ...nodeBin('prisma', 'prisma', ['generate']), { capture: true });
  done();
  return true;
}
