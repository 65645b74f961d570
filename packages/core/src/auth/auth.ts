import {
  checkPasswordPolicy,
  DomainError,
  isLocked,
  LOCKOUT,
  nextLoginState,
  validateRoleBinding,
  canBindToOrganization,
  type Role,
} from '@vtc/domain';
import type { PrismaClient, Tx } from '@vtc/db';
import { transaction } from '@vtc/db';
import argon2 from 'argon2';
import { jwtVerify, SignJWT } from 'jose';
import type { Actor, ActorRole } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { emit } from '../shared/outbox.ts';

/**
 * Authentication: argon2id password hashes, lockout after 5 consecutive failures for 15 minutes,
 * HS256 tokens (jose) whose `sid` names an AuthSession row, so logout revokes a token at once.
 */
export interface AuthSettings {
  jwtSecret: string;
  tokenTtlMinutes: number;
}

const ISSUER = 'vtc';
const AUDIENCE = 'vtc-api';
// A valid argon2id hash of a random string: verifying against it when the user does not exist
// keeps the response time of "no such user" equal to "wrong password".
let dummyHash: Promise<string> | undefined;

function credentialsError(): DomainError {
  return new DomainError('INVALID_CREDENTIALS', {
    zh: '用户名或密码错误',
    en: 'Wrong username or password',
  });
}

export interface LoginInput {
  username: string;
  password: string;
  ip?: string;
  userAgent?: string;
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  userId: string;
}

export async function login(
  prisma: PrismaClient,
  settings: AuthSettings,
  input: LoginInput,
  now: Date = new Date(),
): Promise<LoginResult> {
  const user = await prisma.user.findUnique({ where: { username: input.username } });
  if (!user || user.status !== 'ACTIVE') {
    dummyHash ??= argon2.hash(`no-such-user-${Math.random()}`);
    await argon2.verify(await dummyHash, input.password);
    throw credentialsError();
  }
  const state = { failedCount: user.failedLoginCount, lockedUntil: user.lockedUntil };
  if (isLocked(state, now)) {
    throw new DomainError(
      'ACCOUNT_LOCKED',
      {
        zh: `连续${LOCKOUT.maxFailures}次登录失败,账号已锁定${LOCKOUT.lockMinutes}分钟`,
        en: `Account locked for ${LOCKOUT.lockMinutes} minutes after ${LOCKOUT.maxFailures} failed logins`,
      },
      { lockedUntil: user.lockedUntil?.toISOString() },
    );
  }
  const ok = await argon2.verify(user.passwordHash, input.password).catch(() => false);
  const next = nextLoginState(state, ok ? 'SUCCESS' : 'FAILURE', now);
  if (!ok) {
    // Count the failure atomically against the stored value so concurrent attempts all count.
    await transaction(prisma, async (tx) => {
      const fresh = await tx.user.findUniqueOrThrow({ where: { id: user.id } });
      const s = nextLoginState({ failedCount: fresh.failedLoginCount, lockedUntil: fresh.lockedUntil }, 'FAILURE', now);
      await tx.user.update({ where: { id: user.id }, data: { failedLoginCount: s.failedCount, lockedUntil: s.lockedUntil } });
      if (s.lockedUntil && !fresh.lockedUntil) {
        await audit(tx, null, {
          action: 'user.locked',
          entityType: 'User',
          entityId: user.id,
          after: { lockedUntil: s.lockedUntil.toISOString() },
        });
      }
    });
    throw credentialsError();
  }
  const expiresAt = new Date(now.getTime() + settings.tokenTtlMinutes * 60_000);
  const session = await transaction(prisma, async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: { failedLoginCount: next.failedCount, lockedUntil: next.lockedUntil, lastLoginAt: now },
    });
    return tx.authSession.create({
      data: { userId: user.id, expiresAt, ip: input.ip, userAgent: input.userAgent?.slice(0, 300) },
    });
  });
  const token = await new SignJWT({ sid: session.id })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(secretKey(settings));
  return { token, expiresAt, userId: user.id };
}

function secretKey(settings: AuthSettings): Uint8Array {
  return new TextEncoder().encode(settings.jwtSecret);
}

/**
 * Resolve a bearer token to the acting user, or null when the token is missing, malformed,
 * expired, signed with another key, or its session was revoked.
 */
export async function authenticate(
  prisma: PrismaClient,
  settings: AuthSettings,
  token: string,
  now: Date = new Date(),
): Promise<Actor | null> {
  let sub: string | undefined;
  let sid: unknown;
  try {
    const { payload } = await jwtVerify(token, secretKey(settings), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: now,
    });
    sub = payload.sub;
    sid = payload.sid;
  } catch {
    return null;
  }
  if (typeof sid !== 'string' || !sub) return null;
  const session = await prisma.authSession.findUnique({
    where: { id: sid },
    include: { user: { include: { roleBindings: true } } },
  });
  if (!session || session.userId !== sub || session.revokedAt || session.expiresAt <= now) return null;
  if (session.user.status !== 'ACTIVE') return null;
  return actorFromUser(session.user, session.id);
}

export function actorFromUser(
  user: {
    id: string;
    username: string;
    roleBindings: Array<{
      role: Role;
      regionCode: string | null;
      organizationId: string | null;
      personId: string | null;
      canViewIdNumbers: boolean;
    }>;
  },
  sessionId: string | null,
): Actor {
  const roles: ActorRole[] = user.roleBindings.map((b) => ({
    role: b.role,
    regionCode: b.regionCode,
    organizationId: b.organizationId,
    personId: b.personId,
    canViewIdNumbers: b.canViewIdNumbers,
  }));
  return { userId: user.id, username: user.username, sessionId, roles };
}

/** Revoke the session behind the current token. Idempotent. */
export async function logout(prisma: PrismaClient, actor: Actor, now: Date = new Date()): Promise<void> {
  if (!actor.sessionId) return;
  await prisma.authSession.updateMany({
    where: { id: actor.sessionId, userId: actor.userId, revokedAt: null },
    data: { revokedAt: now },
  });
}

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export interface CreateUserInput {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  regionCode?: string | null;
  organizationId?: string | null;
  personId?: string | null;
  canViewIdNumbers?: boolean;
}

const USERNAME = /^[a-z][a-z0-9._-]{2,39}$/;

/**
 * Create an account with one role binding (system administrators only; the API checks the scope).
 * Emits `user.registered`, which the worker turns into a welcome notification.
 */
export async function createUser(prisma: PrismaClient, actor: Actor, input: CreateUserInput) {
  if (!USERNAME.test(input.username)) {
    throw new DomainError(
      'VALIDATION',
      {
        zh: '用户名须以小写字母开头,由3–40位小写字母、数字、点、下划线或连字符组成',
        en: 'Username must start with a lower-case letter and have 3–40 lower-case letters, digits, dots, underscores or hyphens',
      },
      { field: 'username' },
    );
  }
  const pw = checkPasswordPolicy(input.password, { username: input.username });
  if (!pw.ok) {
    throw new DomainError(
      'WEAK_PASSWORD',
      { zh: pw.reasons.map((r) => r.zh).join(';'), en: pw.reasons.map((r) => r.en).join('; ') },
      { field: 'password', rules: pw.reasons.map((r) => r.rule) },
    );
  }
  const binding = {
    role: input.role,
    regionCode: input.regionCode ?? undefined,
    organizationId: input.organizationId ?? undefined,
    personId: input.personId ?? undefined,
  };
  const check = validateRoleBinding(binding);
  if (!check.ok) {
    const first = check.reasons[0];
    throw new DomainError(
      'VALIDATION',
      { zh: check.reasons.map((r) => r.zh).join(';'), en: check.reasons.map((r) => r.en).join('; ') },
      { field: first?.field },
    );
  }
  const passwordHash = await hashPassword(input.password);
  return transaction(prisma, async (tx) => {
    await assertBindingTargets(tx, input);
    const existing = await tx.user.findUnique({ where: { username: input.username }, select: { id: true } });
    if (existing) {
      throw new DomainError('CONFLICT', { zh: '用户名已存在', en: 'Username already taken' }, { field: 'username' });
    }
    const user = await tx.user.create({
      data: {
        username: input.username,
        displayName: input.displayName,
        passwordHash,
        personId: input.role === 'TRAINEE' ? input.personId : null,
        roleBindings: {
          create: {
            role: input.role,
            regionCode: input.regionCode ?? null,
            organizationId: input.organizationId ?? null,
            personId: input.personId ?? null,
            canViewIdNumbers: input.canViewIdNumbers ?? false,
          },
        },
      },
      include: { roleBindings: true },
    });
    await audit(tx, actor, {
      action: 'user.created',
      entityType: 'User',
      entityId: user.id,
      after: { username: user.username, role: input.role, regionCode: input.regionCode, organizationId: input.organizationId },
    });
    await emit(tx, { type: 'user.registered', aggregateType: 'User', aggregateId: user.id, payload: { userId: user.id } });
    return user;
  });
}

async function assertBindingTargets(tx: Tx, input: CreateUserInput): Promise<void> {
  if (input.regionCode) {
    const region = await tx.region.findUnique({ where: { code: input.regionCode } });
    if (!region) throw notFound('regionCode', '行政区划不存在', 'Region not found');
  }
  if (input.organizationId) {
    const org = await tx.organization.findUnique({ where: { id: input.organizationId } });
    if (!org) throw notFound('organizationId', '机构不存在', 'Organization not found');
    if (!canBindToOrganization(input.role, org.kind)) {
      throw new DomainError(
        'VALIDATION',
        { zh: '该角色不能绑定到此类机构', en: `Role ${input.role} cannot be bound to a ${org.kind}` },
        { field: 'organizationId' },
      );
    }
  }
  if (input.personId) {
    const person = await tx.person.findUnique({ where: { id: input.personId }, select: { id: true } });
    if (!person) throw notFound('personId', '人员不存在', 'Person not found');
  }
}

function notFound(field: string, zh: string, en: string): DomainError {
  return new DomainError('NOT_FOUND', { zh, en }, { field });
}
