import { HeaderMap } from '@apollo/server';
import { createUser, login, LoginBusyError, LoginUnavailableError, logout, organizationReadScope, personScope, type Actor } from '@vtc/core';
import { clientKeyOf, DomainError } from '@vtc/domain';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { builder } from '../builder.ts';
import { Organization } from '../organization/organization.ts';
import { Person } from '../person/person.ts';
import { Region } from '../shared/reference.ts';
import { scopedPerson } from '../shared/scoped.ts';

export const RoleEnum = builder.enumType('Role', {
  values: ['SYSTEM_ADMIN', 'BUREAU_OFFICER', 'INSTITUTION_STAFF', 'EVALUATOR', 'ENTERPRISE_STAFF', 'TRAINEE'] as const,
});

export const RoleBinding = builder.prismaObject('RoleBinding', {
  fields: (t) => ({
    role: t.expose('role', { type: RoleEnum }),
    region: t.relation('region', { nullable: true }),
    organization: t.relation('organization', { nullable: true }),
    person: t.relation('person', { nullable: true, query: (_a, ctx) => ({ where: personScope(ctx.actor) }) }),
    canViewIdNumbers: t.exposeBoolean('canViewIdNumbers'),
  }),
});

/** Users are visible to themselves and to system administrators. */
export const User = builder.prismaNode('User', {
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) =>
    ctx.actor?.roles.some((r) => r.role === 'SYSTEM_ADMIN') ? { id } : { id, AND: [{ id: ctx.actor?.userId ?? '' }] },
  fields: (t) => ({
    username: t.exposeString('username'),
    displayName: t.exposeString('displayName'),
    roles: t.relation('roleBindings'),
    lastLoginAt: t.expose('lastLoginAt', { type: 'DateTime', nullable: true }),
  }),
});

const ScopeKind = builder.enumType('ScopeKind', {
  values: {
    ALL: { description: 'Everything (system administrator)' },
    REGION: { description: 'A region and every region below it' },
    ORGANIZATION: { description: 'One organization and what is linked to it' },
    PERSON: { description: 'One person: themself' },
  } as const,
});

interface ScopeEntryShape {
  kind: 'ALL' | 'REGION' | 'ORGANIZATION' | 'PERSON';
  role: string;
  regionCode: string | null;
  organizationId: string | null;
  personId: string | null;
}

const ScopeEntry = builder.objectRef<ScopeEntryShape>('ScopeEntry').implement({
  description: 'What one role binding lets the viewer see.',
  fields: (t) => ({
    kind: t.field({ type: ScopeKind, resolve: (s) => s.kind }),
    role: t.field({ type: RoleEnum, resolve: (s) => s.role as never }),
    region: t.prismaField({
      type: Region,
      nullable: true,
      resolve: (query, s, _a, ctx) =>
        s.regionCode ? ctx.prisma.region.findUnique({ ...query, where: { code: s.regionCode } }) : null,
    }),
    organization: t.prismaField({
      type: Organization,
      nullable: true,
      resolve: (query, s, _a, ctx) =>
        s.organizationId
          ? ctx.prisma.organization.findFirst({
              ...query,
              where: { AND: [{ id: s.organizationId }, organizationReadScope(ctx.actor)] },
            })
          : null,
    }),
    person: t.prismaField({
      type: Person,
      nullable: true,
      resolve: (query, s, _a, ctx) =>
        scopedPerson(ctx, s.personId, query),
    }),
  }),
});

function scopeEntries(actor: Actor): ScopeEntryShape[] {
  return actor.roles.map((r) => ({
    kind:
      r.role === 'SYSTEM_ADMIN'
        ? 'ALL'
        : r.role === 'BUREAU_OFFICER'
          ? 'REGION'
          : r.role === 'TRAINEE'
            ? 'PERSON'
            : 'ORGANIZATION',
    role: r.role,
    regionCode: r.regionCode,
    organizationId: r.organizationId,
    personId: r.personId,
  }));
}

const Notification = builder.prismaObject('Notification', {
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.exposeString('kind'),
    title: t.exposeString('title'),
    body: t.exposeString('body'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    readAt: t.expose('readAt', { type: 'DateTime', nullable: true }),
  }),
});

const Viewer = builder.objectRef<Actor>('Viewer').implement({
  description: 'The signed-in user, their roles and what they may see.',
  fields: (t) => ({
    user: t.prismaField({
      type: User,
      resolve: (query, actor, _a, ctx) => ctx.prisma.user.findUniqueOrThrow({ ...query, where: { id: actor.userId } }),
    }),
    roles: t.field({ type: [RoleEnum], resolve: (a) => [...new Set(a.roles.map((r) => r.role))] }),
    scope: t.field({ type: [ScopeEntry], resolve: (a) => scopeEntries(a) }),
    notifications: t.prismaField({
      type: [Notification],
      description: 'The newest notifications addressed to the viewer (welcome, audit digests, ...).',
      args: { first: t.arg.int({ required: false, defaultValue: 20, validate: z.number().int().min(1).max(100) }) },
      resolve: (query, actor, args, ctx) =>
        ctx.prisma.notification.findMany({
          ...query,
          where: { userId: actor.userId },
          orderBy: { createdAt: 'desc' },
          take: args.first ?? 20,
        }),
    }),
    canViewIdNumbers: t.boolean({
      resolve: (a) => a.roles.some((r) => r.role === 'SYSTEM_ADMIN' || (r.role === 'BUREAU_OFFICER' && r.canViewIdNumbers)),
    }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: Viewer,
    nullable: true,
    skipTypeScopes: true,
    authScopes: { public: true },
    description: 'The signed-in user, or null without a valid token.',
    resolve: (_r, _a, ctx) => ctx.actor,
  }),
}));

const LoginInput = builder.inputType('LoginInput', {
  fields: (t) => ({
    username: t.string({ required: true, validate: z.string().min(1).max(64) }),
    password: t.string({ required: true, validate: z.string().min(1).max(256) }),
  }),
});

/** HTTP 429 with Retry-After (seconds), code RATE_LIMITED, like the other public rate limits. */
function rateLimited(retryAfterSeconds: number, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) } },
  });
}

const LoginPayload = builder.objectRef<{ token: string; expiresAt: Date }>('LoginPayload').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'Send as `Authorization: Bearer <token>`' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    username: t.string({ required: true, validate: z.string().min(3).max(40) }),
    displayName: t.string({ required: true, validate: z.string().trim().min(1).max(50) }),
    password: t.string({ required: true, validate: z.string().max(128) }),
    role: t.field({ type: RoleEnum, required: true }),
    regionCode: t.string({ required: false, validate: z.string().regex(/^\d{6}$/, 'must be a 6-digit region code') }),
    organizationId: t.globalID({ required: false }),
    personId: t.globalID({ required: false }),
    canViewIdNumbers: t.boolean({ required: false }),
  }),
});

builder.mutationFields((t) => ({
  login: t.field({
    type: LoginPayload,
    skipTypeScopes: true,
    authScopes: { public: true },
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: LoginInput, required: true }) },
    description:
      'Public. Wrong password, unknown user and a client out of attempts all answer INVALID_CREDENTIALS. ' +
      'A client over LOGIN_RATE_LIMIT_PER_MINUTE, or a server busy with logins, gets HTTP 429 with RATE_LIMITED and Retry-After.',
    resolve: async (_r, { input }, ctx) => {
      if (!(await ctx.rateLimit('login', ctx.config.LOGIN_RATE_LIMIT_PER_MINUTE))) {
        throw rateLimited(60, 'Too many login attempts from this client; try again in a minute / 登录尝试过于频繁,请一分钟后再试');
      }
      try {
        const result = await login(
          ctx.prisma,
          { jwtSecret: ctx.config.JWT_SECRET, tokenTtlMinutes: ctx.config.TOKEN_TTL_MINUTES },
          ctx.loginGuard,
          {
            username: input.username,
            password: input.password,
            ip: ctx.ip,
            clientKey: clientKeyOf(ctx.ip),
            userAgent: ctx.userAgent,
            requestId: ctx.requestId,
          },
        );
        return { token: result.token, expiresAt: result.expiresAt };
      } catch (err) {
        if (err instanceof LoginBusyError) {
          throw rateLimited(1, 'The server is busy with other logins; try again in a moment / 登录人数过多,请稍后再试');
        }
        if (err instanceof LoginUnavailableError) {
          ctx.logger.error({ err: err.cause }, 'login counters unavailable');
          throw new GraphQLError('Login is unavailable for a moment; try again shortly / 登录服务暂不可用,请稍后再试', {
            extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: new HeaderMap([['retry-after', '30']]) } },
          });
        }
        throw err;
      }
    },
  }),
  logout: t.boolean({
    description: 'Revoke the token this request was made with.',
    resolve: async (_r, _a, ctx) => {
      await logout(ctx.prisma, ctx.actor!);
      return true;
    },
  }),
  createUser: t.prismaField({
    type: User,
    authScopes: { admin: true },
    errors: { types: [DomainError] },
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: async (query, _r, { input }, ctx) => {
      const user = await createUser(ctx.prisma, ctx.actor!, {
        username: input.username,
        displayName: input.displayName,
        password: input.password,
        role: input.role,
        regionCode: input.regionCode ?? null,
        organizationId: input.organizationId?.id ?? null,
        personId: input.personId?.id ?? null,
        canViewIdNumbers: input.canViewIdNumbers ?? false,
      });
      return ctx.prisma.user.findUniqueOrThrow({ ...query, where: { id: user.id } });
    },
  }),
}));
