import { checkLoginInput, DomainError, LOGIN_THROTTLE, type LoginAttemptCounts, loginAllowance, loginAllowed } from '@vtc/domain';
import type { PrismaClient } from '@vtc/db';
import { transaction } from '@vtc/db';
import argon2 from 'argon2';
import { type AuthSettings, issueToken } from './auth.ts';
import { audit } from '../shared/audit.ts';

/**
 * Login. Every refused attempt — no such user, a disabled user, a client out of allowance on the
 * account, a wrong password — does the same work (one user lookup, one count, one argon2
 * verification, one audit row) and gets the same answer, INVALID_CREDENTIALS with one message, so
 * neither the answer nor its timing tells a stranger which it was. The audit row says which.
 *
 * Throttling is per client and account (`LOGIN_THROTTLE`): a stranger's wrong passwords use up the
 * stranger's allowance, never the account, so the real user still logs in from their own client.
 */

/** The counters login needs, kept in a store shared by every API process (Redis). */
export interface LoginCounterStore {
  /**
   * Count one attempt of `client` on `account`, atomically on both counters, and return the counts
   * with this attempt included. Each counter's window starts with its first attempt and lasts
   * `windowMs`; later attempts never extend it.
   */
  countAttempt(account: string, client: string, windowMs: number): Promise<LoginAttemptCounts>;
  /** Forget the client's attempts on the account (after it logged in). */
  clearClient(account: string, client: string): Promise<void>;
}

/**
 * At most `max` logins at once in this process (each holds a 64 MiB argon2 verification); beyond
 * that an attempt is refused at once instead of queueing CPU and memory without bound.
 */
export class LoginSlots {
  #inUse = 0;
  constructor(readonly max: number) {}
  get inUse(): number {
    return this.#inUse;
  }
  /** A release function, or null when every slot is taken. */
  tryAcquire(): (() => void) | null {
    if (this.#inUse >= this.max) return null;
    this.#inUse += 1;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.#inUse -= 1;
      }
    };
  }
}

export interface LoginGuard {
  counters: LoginCounterStore;
  slots: LoginSlots;
}

/** Every login slot of this process is taken: the API answers 429 (RATE_LIMITED). */
export class LoginBusyError extends Error {
  override readonly name = 'LoginBusyError';
  constructor() {
    super('Too many logins in progress');
  }
}

/** The login counters cannot be read (Redis down): the API answers 503; login fails closed. */
export class LoginUnavailableError extends Error {
  override readonly name = 'LoginUnavailableError';
  constructor(cause: unknown) {
    super('Login counters unavailable', { cause });
  }
}

/** What really happened to a refused login, for the audit log only (never for the client). */
export type LoginRefusal = 'UNKNOWN_USER' | 'INACTIVE' | 'LOCKED' | 'WRONG_PASSWORD';

/**
 * An argon2id hash, with the parameters `hashPassword` uses, of a random string nobody knows: an
 * unknown user's password is verified against it, so "no such user" costs what "wrong password"
 * costs. A literal, so the first unknown user does not pay for hashing it.
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=65536,p=4,t=3$ylBA1dSusWxtzEpPCrDivw$umuph0XxnF3Pjv6MuKdNxfF8xcg1nUWTvyPO0+oitVw';

/** All unknown usernames of one client share one counter, so guessing names adds no Redis keys. */
const UNKNOWN_ACCOUNT = '~unknown';

function credentialsError(): DomainError {
  return new DomainError('INVALID_CREDENTIALS', {
    zh: '用户名或密码错误;如多次失败,请稍后再试',
    en: 'Wrong username or password; after several failures, try again later',
  });
}

export interface LoginInput {
  username: string;
  password: string;
  /** The client's address as the API determined it (recorded on the session and in the audit). */
  ip?: string;
  /** The key the client is counted under (`clientKeyOf(ip)`). */
  clientKey: string;
  userAgent?: string;
  requestId?: string;
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  userId: string;
}

export async function login(
  prisma: PrismaClient,
  settings: AuthSettings,
  guard: LoginGuard,
  input: LoginInput,
  now: Date = new Date(),
): Promise<LoginResult> {
  checkLoginInput(input);
  const release = guard.slots.tryAcquire();
  if (!release) throw new LoginBusyError();
  try {
    const user = await prisma.user.findUnique({
      where: { username: input.username },
      select: { id: true, status: true, passwordHash: true },
    });
    const account = user ? input.username : UNKNOWN_ACCOUNT;
    let counts: LoginAttemptCounts;
    try {
      counts = await guard.counters.countAttempt(account, input.clientKey, LOGIN_THROTTLE.windowMinutes * 60_000);
    } catch (err) {
      throw new LoginUnavailableError(err);
    }
    // Always one verification, whatever the outcome, before anything else is decided.
    const matched = await argon2.verify(user?.passwordHash ?? DUMMY_PASSWORD_HASH, input.password).catch(() => false);
    const allowance = loginAllowance(counts.account);
    const refusal: LoginRefusal | null = !user
      ? 'UNKNOWN_USER'
      : user.status !== 'ACTIVE'
        ? 'INACTIVE'
        : !loginAllowed(counts)
          ? 'LOCKED'
          : matched
            ? null
            : 'WRONG_PASSWORD';
    if (refusal !== null) {
      await transaction(prisma, (tx) =>
        audit(tx, null, {
          action: 'login.failed',
          entityType: user ? 'User' : 'Username',
          entityId: user?.id ?? input.username,
          after: {
            reason: refusal,
            username: input.username,
            ip: input.ip ?? null,
            requestId: input.requestId ?? null,
            clientAttempts: counts.client,
            accountAttempts: counts.account,
            // This client may not try this account again until its window ends.
            clientLockedOut: counts.client >= allowance,
            ...(refusal === 'LOCKED' ? { passwordMatched: matched } : {}),
          },
        }),
      );
      throw credentialsError();
    }
    const activeUser = user!;
    await guard.counters.clearClient(account, input.clientKey).catch(() => undefined);
    const expiresAt = new Date(now.getTime() + settings.tokenTtlMinutes * 60_000);
    const session = await transaction(prisma, async (tx) => {
      await tx.user.update({ where: { id: activeUser.id }, data: { lastLoginAt: now } });
      return tx.authSession.create({
        data: { userId: activeUser.id, expiresAt, ip: input.ip, userAgent: input.userAgent?.slice(0, 300) },
      });
    });
    const token = await issueToken(settings, activeUser.id, session.id, now, expiresAt);
    return { token, expiresAt, userId: activeUser.id };
  } finally {
    release();
  }
}
