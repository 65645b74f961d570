// Is PostgreSQL / Redis answering? Protocol-level probes over a plain socket (no drivers needed).
import net from 'node:net';
import { c, Failure, info, redactUrl, setting } from './common.mjs';

/** Where a service listens, parsed from its URL. Postgres may name a socket folder in `?host=/path`. */
export function endpoint(kind) {
  const raw = setting(kind === 'postgres' ? 'DATABASE_URL' : 'REDIS_URL');
  let u;
  try {
    u = new URL(raw);
  } catch {
    throw new Failure(`${kind === 'postgres' ? 'DATABASE_URL' : 'REDIS_URL'} is not a valid URL: ${redactUrl(raw)}`);
  }
  const defaultPort = kind === 'postgres' ? 5432 : 6379;
  const port = Number(u.port || defaultPort);
  const socketDir = kind === 'postgres' ? u.searchParams.get('host') : null;
  if (socketDir?.startsWith('/')) {
    return { url: raw, port, socketPath: `${socketDir}/.s.PGSQL.${port}`, where: `${socketDir} (port ${port})` };
  }
  // URL keeps IPv6 hosts in brackets; net.connect wants them bare.
  const host = (u.hostname || 'localhost').replace(/^\[(.*)\]$/, '$1');
  return { url: raw, host, port, tls: u.protocol === 'rediss:', where: `${host}:${port}` };
}

function connect(ep, timeoutMs) {
  const sock = ep.socketPath ? net.connect(ep.socketPath) : net.connect({ host: ep.host, port: ep.port });
  sock.setTimeout(timeoutMs);
  return sock;
}

/**
 * One probe. Postgres: an SSLRequest must get a one-byte answer ('S' or 'N').
 * Redis: PING must get +PONG, or an auth error (the server is up; credentials are the app's business);
 * -LOADING means not ready yet. TLS Redis (rediss://) is only TCP-connected.
 * Resolves { ok, detail }.
 */
export function probe(kind, ep, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const sock = connect(ep, timeoutMs);
    let settled = false;
    let buf = '';
    const done = (ok, detail) => {
      if (settled) return;
      settled = true;
      sock.destroy();
      resolve({ ok, detail });
    };
    sock.on('timeout', () => done(false, 'timed out'));
    sock.on('error', (err) => done(false, err.code ?? err.message));
    sock.on('connect', () => {
      if (kind === 'postgres') sock.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]));
      else if (ep.tls) done(true, 'TCP connect');
      else sock.write('*1\r\n$4\r\nPING\r\n');
    });
    sock.on('data', (d) => {
      if (kind === 'postgres') return done(true, `SSLRequest answered ${JSON.stringify(d.toString('latin1', 0, 1))}`);
      buf += d.toString('utf8');
      const nl = buf.indexOf('\r\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      if (line === '+PONG') return done(true, 'PONG');
      if (/^-(NOAUTH|WRONGPASS|ERR AUTH|ERR Client sent AUTH)/.test(line)) return done(true, line);
      return done(false, line);
    });
    sock.on('close', () => done(false, 'connection closed'));
  });
}

const NAMES = { postgres: 'PostgreSQL', redis: 'Redis' };

/** How to start a service that is not answering: the same commands ENVIRONMENT.md gives. */
export function startHelp(kind) {
  const lines = ['Start it with one of:', '  docker compose up -d postgres redis'];
  if (kind === 'postgres') {
    lines.push('  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start');
    lines.push('or point DATABASE_URL at a running PostgreSQL 15 (e.g. in .env).');
  } else {
    lines.push('  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no');
    lines.push('or point REDIS_URL at a running Redis 7 (e.g. in .env).');
  }
  return lines;
}

function describe(kind, ep) {
  const variable = kind === 'postgres' ? 'DATABASE_URL' : 'REDIS_URL';
  return `${NAMES[kind]} at ${ep.where} (${variable}=${redactUrl(ep.url)})`;
}

/**
 * Wait until PostgreSQL and Redis both answer, up to `timeoutMs`. Prints what it waits for (and how
 * to start it) once, then throws a Failure with the same help if time runs out.
 */
export async function waitForServices({ timeoutMs }) {
  const kinds = ['postgres', 'redis'];
  const eps = Object.fromEntries(kinds.map((k) => [k, endpoint(k)]));
  const deadline = Date.now() + timeoutMs;
  const announced = new Set();
  const pending = new Set(kinds);
  const last = {};
  while (true) {
    const results = await Promise.all([...pending].map(async (k) => [k, await probe(k, eps[k])]));
    for (const [k, r] of results) {
      last[k] = r.detail;
      if (r.ok) {
        pending.delete(k);
        info(`${NAMES[k]} answers at ${eps[k].where} ${c.dim(`(${r.detail})`)}`);
      } else if (!announced.has(k)) {
        announced.add(k);
        info(`waiting up to ${Math.round(timeoutMs / 1000)}s for ${describe(k, eps[k])}: ${r.detail}`);
        for (const line of startHelp(k)) info(`  ${line}`);
      }
    }
    if (pending.size === 0) return;
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const text = [...pending]
    .map((k) =>
      [`${describe(k, eps[k])} is not answering (${last[k]}).`, ...startHelp(k).map((l) => `      ${l}`)].join('\n'),
    )
    .join('\n      ');
  throw new Failure(text);
}
