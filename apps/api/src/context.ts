import type { Config } from '@vtc/config';
import type { Actor, CertificateSigning, LoginGuard, PiiKeys } from '@vtc/core';
import type { PrismaClient } from '@vtc/db';
import type { Logger } from 'pino';

/** Everything a resolver may use, built once per request in server.ts. */
export interface Context {
  actor: Actor | null;
  prisma: PrismaClient;
  config: Config;
  piiKeys: PiiKeys;
  signing: CertificateSigning;
  /** Counts a request against a per-client quota; false once the quota is spent. */
  rateLimit(bucket: string, perMinute: number): Promise<boolean>;
  /** Login's per-client and per-account counters (Redis) and this process's login slots. */
  loginGuard: LoginGuard;
  requestId: string;
  /** The client's address: the socket peer, or from X-Forwarded-For behind a trusted proxy. */
  ip: string | undefined;
  userAgent: string | undefined;
  logger: Logger;
}
