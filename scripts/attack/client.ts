import http from 'node:http';

/**
 * The attack's HTTP side: one client that counts every request, classifies every answer (HTTP 5xx,
 * GraphQL `INTERNAL_SERVER_ERROR`) and records findings, within a request and time budget. Everything
 * printed goes through `redact`, so no ID number, phone number or token is ever printed in full.
 */

export interface Budget {
  maxRequests: number;
  deadline: number;
}

export class BudgetExceeded extends Error {}

export type FindingKind = 'leak' | 'internal' | 'http500' | 'note';

export interface Finding {
  kind: FindingKind;
  /** e.g. `existence`, `relation-not-node`, `pii`, `anonymous`, `lockout`, `graphql`, `route`. */
  what: string;
  as: string;
  sent: string;
  got: string;
}

export interface GqlError {
  message: string;
  extensions?: { code?: string; [k: string]: unknown };
}

export interface GqlAnswer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: GqlError[];
  /** The body when it was not JSON. */
  text?: string;
  /** The request did not get an answer (connection error, timeout). */
  failed?: string;
}

export interface HttpAnswer {
  status: number;
  body: string;
  json?: unknown;
  failed?: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The base URL, or an error when it does not point at this machine's loopback interface. */
export function loopbackUrl(raw: string): URL {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`not an http(s) URL: ${raw}`);
  const host = url.hostname.toLowerCase();
  if (!LOOPBACK_HOSTS.has(host) && !/^127(\.\d{1,3}){3}$/.test(host)) {
    throw new Error(`refusing to attack ${url.host}: only loopback addresses (127.0.0.0/8, ::1, localhost)`);
  }
  return url;
}

const RESIDENT_ID_RE = /(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3})([\dXx])(?![0-9A-Za-z])/g;
const MOBILE_RE = /(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;
const JWT_RE = /\beyJ[\w-]{6,}\.[\w-]+\.?[\w-]*/g;

/** Shorten what may identify a person or grant access before printing. */
export function redact(text: string, max = 240): string {
  const out = text
    .replace(JWT_RE, (t) => `${t.slice(0, 8)}…(token)`)
    .replace(RESIDENT_ID_RE, (_m, a: string, _b: string, c: string, d: string) => `${a}********${c}${d}`)
    .replace(MOBILE_RE, (_m, a: string, _b: string, c: string) => `${a}****${c}`)
    .replace(/\s+/g, ' ');
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** A GB 11643 resident ID number: plausible birth date and a matching check character. */
export function isResidentId(s: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(s)) return false;
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * (WEIGHTS[i] ?? 0);
  return CHECK[sum % 11] === s[17]!.toUpperCase();
}

/** A valid resident ID number (for mutation inputs that must pass validation). */
export function makeResidentId(region: string, birth: string, seq: number): string {
  const body = `${region}${birth}${String(seq).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * (WEIGHTS[i] ?? 0);
  return `${body}${CHECK[sum % 11]}`;
}

/** Unmasked resident ID numbers and full mobile numbers in a string. */
export function personalNumbersIn(s: string): { ids: string[]; phones: string[] } {
  const ids = [...s.matchAll(RESIDENT_ID_RE)].map((m) => m[0]).filter(isResidentId);
  const phones = [...s.matchAll(MOBILE_RE)].map((m) => m[0]);
  return { ids, phones };
}

/** `Type:uuid` inside a Relay global id, shortened for printing. */
export function shortId(globalId: string): string {
  try {
    const raw = Buffer.from(globalId, 'base64').toString('utf8');
    const [type, id] = raw.split(':');
    if (type && id) return `${type}:${id.slice(0, 8)}…`;
  } catch {
    // not base64
  }
  return redact(globalId, 24);
}

export function decodeGlobalId(globalId: string): { type: string; id: string } | null {
  const raw = Buffer.from(globalId, 'base64').toString('utf8');
  const i = raw.indexOf(':');
  return i > 0 ? { type: raw.slice(0, i), id: raw.slice(i + 1) } : null;
}

export function encodeGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`).toString('base64');
}

export class Attack {
  readonly findings: Finding[] = [];
  requests = 0;
  internalErrors = 0;
  http500 = 0;
  leaks = 0;
  /** Findings already printed, so a repeated request does not print the same line again. */
  private seen = new Set<string>();
  readonly base: URL;

  constructor(
    base: string,
    readonly budget: Budget,
    readonly timeoutMs = 30_000,
    private readonly out: (line: string) => void = (l) => console.log(l),
  ) {
    this.base = loopbackUrl(base);
  }

  /** Whether the budget still allows `n` more requests. */
  has(n = 1): boolean {
    return this.requests + n <= this.budget.maxRequests && Date.now() < this.budget.deadline;
  }

  private spend(): void {
    if (!this.has()) throw new BudgetExceeded('request or time budget spent');
    this.requests += 1;
  }

  finding(f: Finding): void {
    const key = `${f.kind}|${f.what}|${f.as}|${f.sent}|${f.got}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (f.kind === 'leak') this.leaks += 1;
    if (f.kind === 'internal') this.internalErrors += 1;
    if (f.kind === 'http500') this.http500 += 1;
    this.findings.push(f);
    const label = f.kind === 'leak' ? 'LEAK' : f.kind === 'internal' ? 'INTERNAL_ERROR' : f.kind === 'http500' ? 'HTTP_500' : 'NOTE';
    this.out(`FINDING ${label} ${f.what} as=${f.as} sent=${redact(f.sent, 300)} got=${redact(f.got, 300)}`);
  }

  log(line: string): void {
    this.out(redact(line, 400));
  }

  /** Any HTTP request; a 5xx or an internal error in the body is recorded as a finding. */
  async http(
    method: string,
    path: string,
    o: { headers?: Record<string, string>; body?: Buffer | string; as?: string; describe?: string; localAddress?: string } = {},
  ): Promise<HttpAnswer> {
    this.spend();
    const url = new URL(path, this.base);
    const describe = o.describe ?? `${method} ${path.slice(0, 120)}`;
    let answer: HttpAnswer;
    if (o.localAddress) {
      answer = await rawRequest(url, method, o.headers ?? {}, o.body, o.localAddress, this.timeoutMs);
      this.classify(describe, o.as ?? 'anonymous', answer);
      return answer;
    }
    try {
      const res = await fetch(url, {
        method,
        headers: o.headers,
        body: o.body as Uint8Array | string | undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
      const buf = Buffer.from(await res.arrayBuffer());
      const type = res.headers.get('content-type') ?? '';
      const body = type.includes('json') || type.startsWith('text') ? buf.toString('utf8') : `<${buf.length} bytes ${type}>`;
      let json: unknown;
      if (type.includes('json')) {
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
      }
      answer = { status: res.status, body, json };
    } catch (error) {
      answer = { status: 0, body: '', failed: (error as Error).name === 'TimeoutError' ? 'timeout' : String((error as Error).message) };
    }
    this.classify(describe, o.as ?? 'anonymous', answer);
    return answer;
  }

  private classify(sent: string, as: string, a: HttpAnswer): void {
    if (a.failed === 'timeout') {
      this.finding({ kind: 'internal', what: 'no-answer', as, sent, got: `no answer within ${this.timeoutMs} ms` });
      return;
    }
    if (a.status >= 500 && a.status !== 503) {
      this.finding({ kind: 'http500', what: 'status', as, sent, got: `HTTP ${a.status} ${a.body.slice(0, 160)}` });
    }
    if (internalIn(a.json)) {
      this.finding({ kind: 'internal', what: 'internal-error', as, sent, got: `HTTP ${a.status} ${a.body.slice(0, 200)}` });
    }
  }

  /** POST a GraphQL document (or anything else as the JSON body). */
  async gql(
    query: string,
    variables: Record<string, unknown> | undefined,
    o: { token?: string | null; as?: string; describe?: string; body?: string; headers?: Record<string, string>; localAddress?: string } = {},
  ): Promise<GqlAnswer> {
    const body = o.body ?? JSON.stringify({ query, variables });
    const a = await this.http('POST', '/graphql', {
      headers: {
        'content-type': 'application/json',
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        ...o.headers,
      },
      body,
      as: o.as,
      localAddress: o.localAddress,
      describe: o.describe ?? `POST /graphql ${query.replace(/\s+/g, ' ').slice(0, 160)}`,
    });
    const json = a.json as { data?: Record<string, unknown> | null; errors?: GqlError[] } | undefined;
    return { status: a.status, data: json?.data, errors: json?.errors, text: json ? undefined : a.body, failed: a.failed };
  }
}

/** A request from a chosen local address (another loopback client), with node:http. */
function rawRequest(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | string | undefined,
  localAddress: string,
  timeoutMs: number,
): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const req = http.request(url, { method, headers, localAddress, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: '', failed: e.message === 'timeout' ? 'timeout' : e.message }));
    req.end(body);
  });
}

/** Whether a JSON answer carries an internal error (GraphQL or file route). */
function internalIn(json: unknown): boolean {
  if (!json || typeof json !== 'object') return false;
  const o = json as { errors?: GqlError[]; code?: string; error?: { code?: string } };
  if (o.code === 'INTERNAL_SERVER_ERROR' || o.error?.code === 'INTERNAL_SERVER_ERROR') return true;
  if (Array.isArray(json)) return json.some(internalIn);
  return (
    Array.isArray(o.errors) &&
    o.errors.some((e) => e?.extensions?.code === 'INTERNAL_SERVER_ERROR' || /^Internal error/.test(String(e?.message)))
  );
}

/** The first error code of a GraphQL answer, or of a DomainError result, or `data` / `null`. */
export function outcomeOf(a: GqlAnswer, field: string): string {
  if (a.failed) return `failed:${a.failed}`;
  const value = a.data?.[field];
  if (value && typeof value === 'object') {
    const v = value as { __typename?: string; code?: string };
    if (v.__typename === 'DomainError') return `DomainError:${v.code}`;
    return `data:${v.__typename ?? 'object'}`;
  }
  const code = a.errors?.[0]?.extensions?.code;
  if (code) return `error:${code}`;
  if (a.errors?.length) return `error:${a.errors[0]?.message.slice(0, 40)}`;
  if (value === null) return 'null';
  return a.status >= 400 ? `http:${a.status}` : 'empty';
}
