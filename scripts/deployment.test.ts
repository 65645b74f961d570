import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

/**
 * What the container files promise, read as text (there is no Docker engine on the test machines):
 * the image runs as a non-root user and the worker service has a health check on its /readyz.
 */
const ROOT = new URL('../', import.meta.url);
const dockerfile = readFileSync(new URL('Dockerfile', ROOT), 'utf8');
const compose = readFileSync(new URL('docker-compose.yml', ROOT), 'utf8');

/** Dockerfile instructions (continuation lines joined, comments dropped) of the last stage. */
function finalStage(text: string): Array<{ op: string; args: string }> {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const instructions = joined
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
  const last = instructions.map((i) => i.op).lastIndexOf('FROM');
  return instructions.slice(last);
}

/** The lines of one service in docker-compose.yml (two-space indentation under `services:`). */
function serviceBlock(text: string, name: string): string {
  const lines = text.split(/\r?\n/);
  const start = lines.indexOf(`  ${name}:`);
  if (start < 0) throw new Error(`no service ${name}`);
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() && !line.startsWith('   ')) break;
    block.push(line);
  }
  return block.join('\n');
}

describe('Dockerfile', () => {
  const stage = finalStage(dockerfile);

  it('switches to a non-root user before the command of the image', () => {
    const user = stage.findIndex((i) => i.op === 'USER');
    const cmd = stage.findIndex((i) => i.op === 'CMD');
    expect(cmd).toBeGreaterThan(0);
    expect(user).toBeGreaterThan(0);
    expect(user).toBeLessThan(cmd);
    const users = stage.filter((i) => i.op === 'USER').map((i) => i.args.split(':')[0]);
    // The last USER wins: it must not be root.
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);
    // Nothing after the USER line needs root.
    expect(stage.slice(user).filter((i) => i.op === 'RUN')).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  it('never runs a service as root', () => {
    expect(compose).not.toMatch(/^\s*user:\s*["']?(root|0)\b/m);
  });

  it('gives the worker a health check on its /readyz, on the port it is told to serve', () => {
    const worker = serviceBlock(compose, 'worker');
    const port = /WORKER_HEALTH_PORT:\s*"?(\d+)"?/.exec(worker)?.[1];
    expect(port).toBeDefined();
    expect(worker).toMatch(/^\s{4}healthcheck:/m);
    expect(worker).toContain(`http://127.0.0.1:${port}/readyz`);
  });
});
