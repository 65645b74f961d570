#!/usr/bin/env node
// `npm test`: the one test command, for developers and CI alike.
//   install if needed → prisma generate → PostgreSQL and Redis answer? → type check → lint →
//   schema check → jest, then a summary ending in the line `Tests: N passed, N failed[, N skipped]`.
// `npm test -- <jest args>` (e.g. `npm test -- packages/domain`) runs only jest with those args.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import {
  c,
  ensureVtcDir,
  fatal,
  info,
  loadDotEnv,
  nodeBin,
  npmCommand,
  ROOT,
  rootManifest,
  run,
  seconds,
  step,
  VTC_DIR,
  workspaceDirs,
} from './lib/common.mjs';
import { ensureInstalled, generatePrismaClient } from './lib/install.mjs';
import { waitForServices } from './lib/services.mjs';

const jestArgs = process.argv.slice(2);
const focused = jestArgs.length > 0;
const RESULTS = path.join(VTC_DIR, 'jest-results.json');
const started = Date.now();
/** [name, 'ok' | 'FAILED' | 'skipped', note, ms] for the summary. */
const outcomes = [];

function hasTypeScript(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'generated' || e.name.startsWith('.')) continue;
    if (e.isDirectory() ? hasTypeScript(path.join(dir, e.name)) : e.name.endsWith('.ts')) return true;
  }
  return false;
}

/** `tsc -p <project> --noEmit` for the root tsconfig and each workspace, two at a time. */
async function typecheck() {
  const done = step('Type check (tsc --noEmit, root and each workspace)');
  const projects = ['.', ...workspaceDirs()].filter((d) => existsSync(path.join(ROOT, d, 'tsconfig.json')));
  const failed = [];
  const queue = [...projects];
  const worker = async () => {
    for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
      const label = p === '.' ? '(root)' : p;
      if (p !== '.' && !hasTypeScript(path.join(ROOT, p))) {
        console.log(`    ${c.dim('skip')} ${label} ${c.dim('(no .ts files yet)')}`);
        continue;
      }
      const t0 = Date.now();
      const r = await run(...nodeBin('typescript', 'tsc', ['-p', p, '--noEmit', '--pretty', 'false']), {
        capture: true,
      });
      const ok = r.code === 0;
      console.log(`    ${ok ? c.green('ok  ') : c.red('FAIL')} ${label} ${c.dim(`(${seconds(Date.now() - t0)})`)}`);
      if (!ok) {
        failed.push(label);
        process.stdout.write(r.output.replace(/^/gm, '      '));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(2, availableParallelism()) }, worker));
  const ms = done(failed.length ? c.red(`failed: ${failed.join(', ')}`) : 'ok');
  outcomes.push(['typecheck', failed.length ? 'FAILED' : 'ok', failed.join(', '), ms]);
}

async function lint() {
  const done = step('Lint and format check (biome check .)');
  const r = await run(...nodeBin('@biomejs/biome', 'biome', ['check', '.']));
  const ms = done(r.code === 0 ? 'ok' : c.red('failed'));
  outcomes.push(['lint', r.code === 0 ? 'ok' : 'FAILED', '', ms]);
}

async function schemaCheck() {
  const script = rootManifest().scripts?.['schema:check'];
  const file = 'apps/api/src/cli/print-schema.ts';
  if (!script || !existsSync(path.join(ROOT, file))) {
    info(`schema check skipped (${script ? `${file} does not exist yet` : 'no schema:check script'})`);
    outcomes.push(['schema:check', 'skipped', `${file} not found`, 0]);
    return;
  }
  const done = step('GraphQL schema check (npm run schema:check)');
  const r = await run(...npmCommand(['run', '--silent', 'schema:check']));
  const ms = done(r.code === 0 ? 'ok' : c.red('failed: schema.graphql is stale? run npm run schema:print'));
  outcomes.push(['schema:check', r.code === 0 ? 'ok' : 'FAILED', '', ms]);
}

/** Jest with its usual output; the numbers come from its --json file. Returns counts or undefined. */
async function jest() {
  const done = step(`Tests (jest${focused ? ` ${jestArgs.join(' ')}` : ''})`);
  rmSync(RESULTS, { force: true });
  const r = await run(process.execPath, [
    '--experimental-vm-modules',
    '--no-warnings',
    path.join(ROOT, 'node_modules/jest/bin/jest.js'),
    '--json',
    `--outputFile=${RESULTS}`,
    ...jestArgs,
  ]);
  let counts;
  if (existsSync(RESULTS)) {
    const j = JSON.parse(readFileSync(RESULTS, 'utf8'));
    // A test file that fails to load (syntax error, bad import) has no failed test: count it as one failure.
    const brokenFiles = j.numRuntimeErrorTestSuites ?? 0;
    counts = {
      passed: j.numPassedTests ?? 0,
      failed: (j.numFailedTests ?? 0) + brokenFiles,
      skipped: (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0),
      brokenFiles,
    };
  }
  const ok = r.code === 0 && counts !== undefined;
  const ms = done(ok ? 'ok' : c.red(`failed (jest exit ${r.signal ?? r.code})`));
  outcomes.push(['jest', ok ? 'ok' : 'FAILED', counts ? '' : 'no results file', ms]);
  return counts;
}

function summary(counts) {
  console.log('');
  console.log(c.bold('Summary'));
  for (const [name, status, note, ms] of outcomes) {
    const s = status === 'ok' ? c.green('ok     ') : status === 'FAILED' ? c.red('FAILED ') : c.dim('skipped');
    console.log(`  ${name.padEnd(13)} ${s} ${ms ? c.dim(seconds(ms).padStart(7)) : ''.padStart(7)}  ${note}`);
  }
  if (counts?.brokenFiles)
    console.log(`  (${counts.brokenFiles} test file(s) failed to run; each counts as a failure)`);
  console.log(`  total ${seconds(Date.now() - started)}`);
  if (counts) {
    console.log(
      `Tests: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`,
    );
  }
}

async function main() {
  loadDotEnv();
  ensureVtcDir();
  // Everything below needs the dependencies, the generated client and the services: stop at once without them.
  await ensureInstalled();
  await generatePrismaClient({ always: true });
  const s = step('Checking PostgreSQL and Redis');
  await waitForServices({ timeoutMs: 15_000 });
  s();

  if (focused) {
    info('jest arguments given: skipping type check, lint and schema check');
  } else {
    await typecheck();
    await lint();
    await schemaCheck();
  }
  const counts = await jest();
  summary(counts);
  if (outcomes.some(([, status]) => status === 'FAILED')) process.exitCode = 1;
}

main().catch(fatal);
