import {
  checkPasswordPolicy,
  DomainError,
  isCleanText,
  uncleanTextError,
  validateRoleBinding,
  canBindToOrganization,
  type Role,
} from '@vtc/domain';
import type { PrismaClient, Tx } from '@vtc/db';
import { isUuid, transaction } from '@vtc/db';
import argon2 from 'argon2';
import { jwtVerify, SignJWT } from 'jose';
import type { Actor, ActorRole } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { emit } from '../shared/outbox.ts';

/**
 * Authentication: argon2id password hashes, HS256 tokens (jose) whose `sid` names an AuthSession
 * row, so logout revokes a token at once. Login and its throttling are in ./login.ts.
 */
export interface AuthSettings {
  jwtSecret: string;
  tokenTtlMinutes: number;
}

const ISSUER = 'vtc';
const AUDIENCE = 'vtc-api';

/** A signed token for an AuthSession row (login creates the row, then asks for the token). */
export async function issueToken(
  settings: AuthSettings,
  userId: string,
  sessionId: string,
  now: Date,
  expiresAt: Date,
): Promise<string> {
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(secretKey(settings));
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
  if (!isUuid(sid) || !isUuid(sub)) return null;
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
 * Emits `user.registered`, which the worker turns into a welcome notification. `actor` null: the
 * platform itself (the first administrator, created from the command line).
 */
export async function createUser(prisma: PrismaClient, actor: Actor | null, input: CreateUserInput) {
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
  if (!isCleanText(input.displayName)) throw uncleanTextError('displayName');
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
