import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The acceptance criterion: the attack script, run against a started system, finds 0 leaks,
 * 0 internal errors, 0 HTTP 500s, and the API is still up afterwards. The API runs in a child
 * process of its own (scripts/attack/serve.ts: a fresh seeded database), so a decompression bomb
 * that takes it down fails this test instead of the test runner; the attack is another child.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TIMEOUT = 300_000;

let api: ChildProcess | undefined;
let url = '';
let pid = 0;

beforeAll(async () => {
  api = spawn(process.execPath, ['--import', 'tsx', 'scripts/attack/serve.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  api.stderr?.resume();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API did not start: ${out}`)), 120_000);
    api!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const u = /^URL (\S+)$/m.exec(out);
      const p = /^PID (\d+)$/m.exec(out);
      if (u && p) {
        url = u[1]!;
        pid = Number(p[1]);
        clearTimeout(timer);
        resolve();
      }
    });
    api!.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the API exited with ${code}: ${out}`));
    });
  });
}, TIMEOUT);

afterAll(async () => {
  if (!api || api.exitCode !== null) return;
  const exited = new Promise((resolve) => api!.once('exit', resolve));
  api.kill('SIGINT'); // serve.ts stops the API and drops its database
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000).unref())]);
  if (api.exitCode === null) api.kill('SIGKILL');
}, TIMEOUT);

function runAttack(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/attack.ts', ...args], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

describe('attack script', () => {
  it('refuses a target that is not a loopback address', async () => {
    const { code, stdout } = await runAttack(['--url=http://example.com:4000']);
    expect(code).toBe(2);
    expect(stdout).toMatch(/only loopback/);
  });

  it(
    'finds no leak, no internal error, no 500, and leaves the API up',
    async () => {
      const { code, stdout } = await runAttack([
        `--url=${url}`,
        `--pid=${pid}`,
        '--max-requests=4000',
        '--max-seconds=170',
        '--bomb-mb=200',
      ]);
      const result = /^RESULT attack requests=(\d+) internal_errors=(\d+) http_500=(\d+) leaks=(\d+) api_up=(true|false)$/m.exec(stdout);
      expect(result).not.toBeNull();
      const findings = stdout.split('\n').filter((l) => l.startsWith('FINDING ') && !l.startsWith('FINDING NOTE'));
      // The findings are listed so that a failure says what to fix.
      expect({ findings, internal_errors: result?.[2], http_500: result?.[3], leaks: result?.[4], api_up: result?.[5] }).toEqual({
        findings: [],
        internal_errors: '0',
        http_500: '0',
        leaks: '0',
        api_up: 'true',
      });
      expect(Number(result?.[1])).toBeGreaterThan(500);
      expect(code).toBe(0);
    },
    TIMEOUT,
  );
});
