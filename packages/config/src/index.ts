import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The only place that reads process.env. Every variable is declared here, documented in the
 * README's configuration table and listed in turbo.json's globalEnv.
 */
const DEV_JWT_SECRET = 'vtc-development-only-secret-change-me-0123456789';
// 32-byte keys, base64. Development defaults only; production refuses to start without real ones.
const DEV_ID_ENCRYPTION_KEY = 'dnRjLWRldi1pZC1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=';
const DEV_CERT_SIGNING_KEY = 'dnRjLWRldi1jZXJ0aWZpY2F0ZS1zaWduaW5nLWtleSE=';
const DEV_ID_HASH_KEY = 'dnRjLWRldi1pZC1sb29rdXAtaG1hYy1rZXktMzJieXQ=';

/**
 * The offline certificate verifier's trust (packages/certificates/bin/verify.mjs): the official
 * verification site and the file of official public keys. Read on their own by `verifierSettings`,
 * so the verifier runs on a machine that has none of the server's secrets.
 */
const VERIFIER_SHAPE = {
  /** The official base URL certificate QR codes must open; default PUBLIC_URL. */
  VERIFY_BASE_URL: z.string().url().optional(),
  /** The official public keys (`/.well-known/vtc-certificate-keys.json` saved to a file). */
  VERIFY_KEYS_FILE: z.string().min(1).optional(),
};

const shape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(1).max(65535).default(4000),
  /** The URL users reach the API at; certificate QR codes carry it. Required in production. */
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/vtc'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9:_-]+$/).default('vtc'),
  JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
  TOKEN_TTL_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(480),
  ID_ENCRYPTION_KEY: z.string().default(DEV_ID_ENCRYPTION_KEY),
  ID_HASH_KEY: z.string().default(DEV_ID_HASH_KEY),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO_PASSWORD: z.string().min(8).default('Vtc@2026demo'),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(2 * 1024 * 1024),
  /** Ed25519 seed (32 bytes, base64) that signs certificates, and the id published with its public key. */
  CERT_SIGNING_KEY: z.string().default(DEV_CERT_SIGNING_KEY),
  CERT_KEY_ID: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and - only (it travels in QR codes)').default('vtc-dev-1'),
  /** Public certificate verification: requests per client per minute before 429. */
  VERIFY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  /** Port of the worker's health endpoint (/healthz, /readyz); unset: no health endpoint. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  ...VERIFIER_SHAPE,
  /** Login attempts per client per minute before 429 (each costs an argon2 verification). */
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  /** Logins verified at once in one API process; more are refused at once with 429. */
  LOGIN_MAX_CONCURRENT: z.coerce.number().int().min(1).max(1_000).default(8),
  /** Proxies (IP addresses or CIDR blocks, comma-separated) whose X-Forwarded-For is believed. */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .refine((v) => v.split(',').every((p) => p.trim() === '' || isProxyEntry(p.trim())), 'IP addresses or CIDR blocks, comma-separated'),
};

function isProxyEntry(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

const schema = z
  .object(shape)
  .superRefine((env, ctx) => {
    for (const k of ['ID_ENCRYPTION_KEY', 'ID_HASH_KEY', 'CERT_SIGNING_KEY'] as const) {
      if (Buffer.from(env[k], 'base64').length !== 32) {
        ctx.addIssue({ code: 'custom', path: [k], message: `${k} must be 32 bytes, base64-encoded` });
      }
    }
    if (env.NODE_ENV === 'production') {
      const defaults: Array<[keyof typeof env, string]> = [
        ['JWT_SECRET', DEV_JWT_SECRET],
        ['ID_ENCRYPTION_KEY', DEV_ID_ENCRYPTION_KEY],
        ['ID_HASH_KEY', DEV_ID_HASH_KEY],
        ['CERT_SIGNING_KEY', DEV_CERT_SIGNING_KEY],
      ];
      for (const [k, v] of defaults) {
        if (env[k] === v) ctx.addIssue({ code: 'custom', path: [k], message: `${k} must be set in production` });
      }
      if (env.PUBLIC_URL === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['PUBLIC_URL'],
          message: 'PUBLIC_URL must be set in production (the address users reach; certificate QR codes carry it)',
        });
      }
    }
  });

export type Config = z.infer<typeof schema> & { isProduction: boolean };

/** Parse a config from an environment-like object (tests pass their own). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...result.data, isProduction: result.data.NODE_ENV === 'production' };
}

let cached: Config | undefined;
/** The process configuration, parsed once from process.env. */
export function loadConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Test helper: a config whose database and queue prefix are this test's own. */
export function configWith(overrides: Partial<Record<string, string>>): Config {
  return parseConfig({ ...process.env, ...overrides });
}

export interface VerifierSettings {
  /** The official verification base URL: VERIFY_BASE_URL, else PUBLIC_URL; undefined when neither is set. */
  baseUrl: string | undefined;
  /** VERIFY_KEYS_FILE. */
  keysFile: string | undefined;
}

/**
 * The offline verifier's settings alone (VERIFY_BASE_URL, PUBLIC_URL, VERIFY_KEYS_FILE): no
 * secrets needed, so it works on any machine.
 */
export function verifierSettings(env: Record<string, string | undefined> = process.env): VerifierSettings {
  const result = z
    .object({ ...VERIFIER_SHAPE, PUBLIC_URL: shape.PUBLIC_URL })
    .safeParse({ VERIFY_BASE_URL: env.VERIFY_BASE_URL, VERIFY_KEYS_FILE: env.VERIFY_KEYS_FILE, PUBLIC_URL: env.PUBLIC_URL });
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { baseUrl: result.data.VERIFY_BASE_URL ?? result.data.PUBLIC_URL, keysFile: result.data.VERIFY_KEYS_FILE };
}

/** Every variable this package reads, for documentation and turbo.json. */
export const CONFIG_VARIABLES = Object.keys(shape);
