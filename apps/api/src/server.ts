import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { PothosValidationError } from '@pothos/core';
import type { Config } from '@vtc/config';
import { authenticate, type CertificateSigning, certificateSigningFrom, LoginSlots, piiKeysFrom } from '@vtc/core';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { clientKeyOf, isDomainError } from '@vtc/domain';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { clientIpResolver } from './client-ip.ts';
import type { Context } from './context.ts';
import { createLogger } from './logger.ts';
import { readBody } from './http-body.ts';
import { redisLoginCounters } from './login-counters.ts';
import { type CertificateRouteDeps, handleCertificateRequest, isCertificatePath } from './routes/certificates.ts';
import { handleNoticeRequest, isNoticePath, type NoticeRouteDeps } from './routes/notices.ts';
import { type EmploymentRouteDeps, handleEmploymentFileRequest, isEmploymentFilePath } from './routes/contributions.ts';
import { errorDetails, fail, failNotFound, send } from './routes/file-http.ts';
import { handleRosterRequest, isRosterPath, type RosterRouteDeps } from './routes/roster.ts';
import { schema } from './schema/index.ts';

/** Query limits. Deliberately not exposed in error messages. */
export const LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 10,
  maxTokens: 3000,
  maxCost: 5000,
} as const;

/** What graphql-armor says when a query passes a limit; shown as QUERY_TOO_COMPLEX, in both languages. */
const ARMOR_REJECTION = 'vtc-query-limit';
const QUERY_TOO_COMPLEX = { en: 'Query too large or complex', zh: '查询过大或过于复杂' } as const;

/** Error codes that are safe to show as they are; anything else is masked. */
const PASSTHROUGH_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
]);

/** What every HTTP route beside /graphql may use. */
type RouteDeps = CertificateRouteDeps & RosterRouteDeps & EmploymentRouteDeps & NoticeRouteDeps;

/** The HTTP routes beside /graphql, by path; the first whose `matches` is true answers. */
const ROUTES: ReadonlyArray<{
  matches: (pathname: string) => boolean;
  handle: (req: http.IncomingMessage, res: http.ServerResponse, url: URL, deps: RouteDeps) => Promise<void>;
}> = [
  { matches: isCertificatePath, handle: handleCertificateRequest },
  { matches: isNoticePath, handle: handleNoticeRequest },
  { matches: isRosterPath, handle: handleRosterRequest },
  { matches: isEmploymentFilePath, handle: handleEmploymentFileRequest },
];

interface RequestStore {
  requestId: string;
  logger: Logger;
}

export interface AppStats {
  /** Operations that reached execution (passed parsing, validation and limits). */
  executions: number;
}

export interface App {
  server: http.Server;
  prisma: PrismaClient;
  stats: AppStats;
  listen(port?: number, host?: string): Promise<string>;
  /** Start draining: /readyz answers 503 so load balancers stop sending; requests still complete. */
  beginDrain(): void;
  stop(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  prisma?: PrismaClient;
  logger?: Logger;
  /** Certificate signing; by default the configured key (CERT_SIGNING_KEY, CERT_KEY_ID). */
  signing?: CertificateSigning;
}

export async function createApp({ config, prisma: givenPrisma, logger: givenLogger, signing: givenSigning }: AppOptions): Promise<App> {
  const logger = givenLogger ?? createLogger(config.LOG_LEVEL, 'api');
  const prisma = givenPrisma ?? createPrisma(config.DATABASE_URL);
  const redis = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  redis.on('error', () => undefined); // readiness reports it; avoid unhandled error events
  redis.connect().catch(() => undefined);
  const piiKeys = piiKeysFrom(config);
  const signing = givenSigning ?? certificateSigningFrom(config);
  async function rateLimit(bucket: string, perMinute: number, ip: string | undefined): Promise<boolean> {
    const minute = Math.floor(Date.now() / 60_000);
    const key = `${config.QUEUE_PREFIX}:ratelimit:${bucket}:${clientKeyOf(ip)}:${minute}`;
    try {
      const n = await redis.incr(key);
      if (n === 1) await redis.expire(key, 120);
      return n <= perMinute;
    } catch {
      return true; // Redis down: readiness already reports it; do not lock the public out.
    }
  }
  const clientIp = clientIpResolver(config.TRUSTED_PROXIES);
  const loginGuard = { counters: redisLoginCounters(redis, config.QUEUE_PREFIX), slots: new LoginSlots(config.LOGIN_MAX_CONCURRENT) };
  const authSettings = { jwtSecret: config.JWT_SECRET, tokenTtlMinutes: config.TOKEN_TTL_MINUTES };
  const als = new AsyncLocalStorage<RequestStore>();
  const stats: AppStats = { executions: 0 };
  let draining = false;

  // Every limit answers the same plain words (formatError turns them into QUERY_TOO_COMPLEX).
  const limit = { exposeLimits: false, errorMessage: ARMOR_REJECTION } as const;
  const armor = new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth, ...limit, flattenFragments: true },
    maxAliases: { n: LIMITS.maxAliases, ...limit },
    maxDirectives: { n: LIMITS.maxDirectives, ...limit },
    maxTokens: { n: LIMITS.maxTokens, ...limit },
    costLimit: { maxCost: LIMITS.maxCost, ...limit },
    blockFieldSuggestion: { enabled: true },
  });
  const protection = armor.protect();

  const statsPlugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async executionDidStart() {
          stats.executions += 1;
        },
      };
    },
  };

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: !config.isProduction,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    csrfPrevention: true,
    // Shutdown is ours (main.ts): drain, close HTTP, then stop Apollo. Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    validationRules: protection.validationRules,
    plugins: [...protection.plugins, ApolloServerPluginLandingPageDisabled(), statsPlugin],
    formatError: (formatted, error) => formatError(formatted, error, als.getStore()),
  });
  await apollo.start();

  async function buildContext(req: http.IncomingMessage, store: RequestStore): Promise<Context> {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
    const actor = token ? await authenticate(prisma, authSettings, token) : null;
    const ip = clientIp(req);
    if (actor) {
      actor.requestId = store.requestId;
      actor.ip = ip;
    }
    return {
      actor,
      prisma,
      config,
      piiKeys,
      signing,
      rateLimit: (bucket, perMinute) => rateLimit(bucket, perMinute, ip),
      loginGuard,
      requestId: store.requestId,
      ip,
      userAgent: req.headers['user-agent'],
      logger: store.logger,
    };
  }

  async function readiness(): Promise<{ ok: boolean; postgres: string; redis: string }> {
    const withTimeout = <T>(p: Promise<T>) =>
      Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), 1500))]);
    const [pgOk, redisOk] = await Promise.all([
      withTimeout(prisma.$queryRaw`SELECT 1`).then(
        () => true,
        () => false,
      ),
      withTimeout(redis.ping()).then(
        (r) => r === 'PONG',
        () => false,
      ),
    ]);
    return { ok: pgOk && redisOk && !draining, postgres: pgOk ? 'up' : 'down', redis: redisOk ? 'up' : 'down' };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, store: RequestStore) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('x-request-id', store.requestId);
    if (url.pathname === '/healthz') {
      return send(res, 200, { status: 'ok' });
    }
    if (url.pathname === '/readyz') {
      const r = await readiness();
      return send(res, r.ok ? 200 : 503, {
        status: r.ok ? 'ready' : draining ? 'draining' : 'not ready',
        postgres: r.postgres,
        redis: r.redis,
      });
    }
    const route = ROUTES.find((r) => r.matches(url.pathname));
    if (route) {
      return route.handle(req, res, url, {
        prisma,
        piiKeys,
        signing,
        publicUrl: config.PUBLIC_URL,
        actor: async () => (await buildContext(req, store)).actor,
        verifyRateLimit: () => rateLimit('verify', config.VERIFY_RATE_LIMIT_PER_MINUTE, clientIp(req)),
        noticeRateLimit: () => rateLimit('notice', config.VERIFY_RATE_LIMIT_PER_MINUTE, clientIp(req)),
        logger: store.logger,
      });
    }
    if (url.pathname !== '/graphql') return failNotFound(res);
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      return fail(res, 405, 'METHOD_NOT_ALLOWED', { en: 'Method not allowed', zh: '不支持该请求方法' });
    }
    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req, config.MAX_BODY_BYTES);
      if (raw === null) {
        return send(res, 413, {
          errors: [{ message: 'Request body too large / 请求过大', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
        });
      }
      const type = req.headers['content-type'] ?? '';
      if (type.includes('application/json')) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          return send(res, 400, {
            errors: [{ message: 'Body is not valid JSON / 请求体不是有效的 JSON', extensions: { code: 'BAD_REQUEST' } }],
          });
        }
      } else {
        body = raw.toString('utf8');
      }
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method, headers, search: url.search, body },
      context: () => buildContext(req, store),
    });
    for (const [k, v] of result.headers) res.setHeader(k, v);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      // graphql-armor's parse-phase limits (aliases, tokens) throw from a plugin hook, which Apollo
      // reports as 500; they are the client's fault, so answer 400 like any other validation error.
      if (res.statusCode === 500 && isRequestRejection(result.body.string)) res.statusCode = 400;
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  const server = http.createServer((req, res) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    const store: RequestStore = { requestId, logger: logger.child({ requestId }) };
    const started = process.hrtime.bigint();
    als.run(store, () => {
      handle(req, res, store)
        .catch((err: unknown) => {
          store.logger.error({ err }, 'request failed');
          if (res.headersSent) res.end();
          else if (req.url?.startsWith('/graphql')) {
            send(res, 500, { errors: [{ message: 'Internal error', extensions: { correlationId: requestId } }] });
          } else fail(res, 500, 'INTERNAL_SERVER_ERROR', { en: 'Internal error', zh: '内部错误' }, { correlationId: requestId });
        })
        .finally(() => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const path = (req.url ?? '').split('?')[0];
          if (path !== '/healthz' && path !== '/readyz') {
            store.logger.info({ method: req.method, path, status: res.statusCode, ms: Math.round(ms) }, 'request');
          }
        });
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;

  return {
    server,
    prisma,
    stats,
    listen(port = config.PORT, host = config.HOST) {
      return new Promise((resolve) => {
        server.listen(port, host, () => {
          const addr = server.address() as AddressInfo;
          resolve(`http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`);
        });
      });
    },
    beginDrain() {
      draining = true;
    },
    async stop() {
      draining = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), config.SHUTDOWN_GRACE_MS).unref();
      });
      await apollo.stop();
      redis.disconnect();
      if (!givenPrisma) await prisma.$disconnect();
    },
  };
}

/** graphql-js errors by name: the executor may be another copy of graphql (CommonJS) than the one imported here. */
function isGraphQLError(e: unknown): e is GraphQLError {
  return e instanceof GraphQLError || (e instanceof Error && e.name === 'GraphQLError');
}

const REJECTION_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'QUERY_TOO_COMPLEX', 'VALIDATION', 'OPERATION_NOT_SUPPORTED']);

function isRequestRejection(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    return (
      parsed.data === undefined &&
      !!parsed.errors?.length &&
      parsed.errors.every((e) => REJECTION_CODES.has(e.extensions?.code ?? ''))
    );
  } catch {
    return false;
  }
}

function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  store: RequestStore | undefined,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (isDomainError(original)) {
    // A domain error thrown where no result union catches it: still a typed, stable code, with the
    // field and row the DomainError type has.
    const { field, row } = errorDetails(original);
    return {
      message: original.message,
      path: formatted.path,
      extensions: { code: original.code, messageZh: original.localized.zh, ...(field === undefined ? {} : { field }), ...(row === undefined ? {} : { row }) },
    };
  }
  if (formatted.message.includes(ARMOR_REJECTION)) {
    return { message: `${QUERY_TOO_COMPLEX.en} / ${QUERY_TOO_COMPLEX.zh}`, extensions: { code: 'QUERY_TOO_COMPLEX', messageZh: QUERY_TOO_COMPLEX.zh } };
  }
  if (isGraphQLError(original) && !original.originalError && /^Schema is not configured to execute \w+ operation/.test(original.message)) {
    // A subscription (the API serves queries and mutations only over HTTP): the client's request, not a fault.
    return {
      message: 'Only queries and mutations are served / 只支持查询和变更操作',
      extensions: { code: 'OPERATION_NOT_SUPPORTED', messageZh: '只支持查询和变更操作' },
    };
  }
  if (original instanceof PothosValidationError) {
    // A malformed id or cursor the input guard did not know to check: the client's fault, said plainly.
    return { message: `Invalid input: ${original.message}`, path: formatted.path, extensions: { code: 'VALIDATION', messageZh: '输入有误' } };
  }
  const code = formatted.extensions?.code;
  if (code === 'BAD_USER_INPUT' || code === 'VALIDATION' || (isGraphQLError(original) && !original.originalError && !formatted.path && /^(Variable "\$|Too many errors processing variables)/.test(formatted.message))) {
    // A value graphql-js could not coerce to its type (before execution), or a request error it
    // raised itself: the shape of a DomainError VALIDATION, in extensions.
    return valueError(formatted);
  }
  if (typeof code === 'string' && PASSTHROUGH_CODES.has(code)) {
    const { stacktrace: _s, http: _h, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const correlationId = store?.requestId ?? randomUUID();
  (store?.logger ?? console).error({ err: original, correlationId }, 'unexpected error');
  return {
    message: `Internal error / 内部错误 (correlation id ${correlationId})`,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId },
  };
}

/**
 * A request value refused before execution, as `{ message, extensions: { code: 'VALIDATION', field,
 * messageZh } }`. graphql-js names the variable and the path inside it (`Variable "$input" got invalid
 * value … at "input.contractStart"`); the field is named as DomainErrors name it (input-guard.ts):
 * inside an input object `contractStart`, else the variable and its path.
 */
function valueError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const m = /^Variable "\$(\w+)" (?:got invalid value .*? at "([^"]+)";|got invalid value|of (?:required|non-null) type)/s.exec(formatted.message);
  let field: string | undefined;
  if (m) {
    const parts = (m[2] ?? m[1]!).replace(/\[(\d+)\]/g, '.$1').split('.');
    field = parts.length > 1 && !/^\d+$/.test(parts[1]!) ? parts.slice(1).join('.') : parts.join('.');
  }
  const zh = typeof formatted.extensions?.messageZh === 'string' ? formatted.extensions.messageZh : '输入的值不符合其类型';
  return {
    message: formatted.message,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'VALIDATION', messageZh: field ? `${field}:${zh}` : zh, ...(field ? { field } : {}) },
  };
}
