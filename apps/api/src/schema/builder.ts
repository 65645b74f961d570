import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import type PrismaTypes from '@vtc/db/pothos-types';
import { getDatamodel } from '@vtc/db/pothos-types';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { Context } from '../context.ts';

/**
 * The schema builder. Authorization happens in two layers, both in one place each:
 * - scope-auth: Query and Mutation require `authenticated` on every field (type-level scopes);
 *   the few public fields (login, health-like ones) opt out explicitly with `skipTypeScopes`.
 * - row visibility: every list, node lookup and cross-organization relation filters with the
 *   `*Scope(actor)` functions from @vtc/core (packages/core/src/shared/scope.ts).
 */
export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    authenticated: boolean;
    admin: boolean;
    public: boolean;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: string; Output: Date | string };
  };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, RelayPlugin, PrismaPlugin, ErrorsPlugin, ValidationPlugin],
  scopeAuth: {
    authScopes: (ctx) => ({
      authenticated: ctx.actor !== null,
      admin: !!ctx.actor?.roles.some((r) => r.role === 'SYSTEM_ADMIN'),
      public: true,
    }),
    unauthorizedError: (_parent, ctx) =>
      ctx.actor
        ? new GraphQLError('Not allowed / 无权执行此操作', { extensions: { code: 'FORBIDDEN' } })
        : new GraphQLError('Login required / 请先登录', { extensions: { code: 'UNAUTHENTICATED' } }),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: { nullable: true },
    nodesQueryOptions: false,
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
    maxConnectionSize: 100,
    defaultConnectionSize: 20,
  },
  errors: {
    directResult: true,
  },
  validation: {
    // Invalid arguments are rejected before the resolver (and before any write) with the field path.
    validationError: (result) =>
      new GraphQLError(
        `Invalid input / 输入有误: ${result.issues.map((i) => `${pathOf(i.path)}: ${i.message}`).join('; ')}`,
        {
          extensions: {
            code: 'BAD_USER_INPUT',
            issues: result.issues.map((i) => ({ field: pathOf(i.path), message: i.message })),
          },
        },
      ),
  },
});

function pathOf(path: ReadonlyArray<PropertyKey | { key: PropertyKey }> | undefined): string {
  return (path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
}

builder.queryType({ authScopes: { authenticated: true } });
builder.mutationType({ authScopes: { authenticated: true } });

/** Connection page arguments: at most 100 nodes a page, said plainly rather than silently clamped. */
const pageLimit = z
  .number()
  .int()
  .min(0)
  .max(100, 'at most 100 per page / 每页最多 100 条')
  .nullish();
export const pageArgs = z.looseObject({ first: pageLimit, last: pageLimit });
