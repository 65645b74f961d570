import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import type PrismaTypes from '@vtc/db/pothos-types';
import { getDatamodel } from '@vtc/db/pothos-types';
import { DomainError } from '@vtc/domain';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { Context } from '../context.ts';
import InputGuardPlugin, { invalidInput, parseGlobalId } from './shared/input-guard.ts';

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
  // InputGuardPlugin (shared/input-guard.ts) checks every argument first: NUL, lone surrogates,
  // impossible dates, malformed or wrongly typed global ids and cursors.
  plugins: [ScopeAuthPlugin, RelayPlugin, PrismaPlugin, ErrorsPlugin, ValidationPlugin, InputGuardPlugin],
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
    // Strict: `<NodeType>:<id in that type's form>`, so a malformed id or an unknown type name
    // (`__proto__:1`) is a VALIDATION error, never an unknown type or a bad uuid inside Prisma.
    decodeGlobalID: (globalID) => {
      const parsed = parseGlobalId(globalID, isNodeType);
      if (!parsed) throw invalidInput('id', '不是有效的编号(ID)', 'is not a valid id');
      return parsed;
    },
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
    // Argument errors (the input guard, validation schemas, global ids) are DomainErrors too: a
    // field whose result is a union with DomainError answers them as that member, like any other
    // refusal. They are checked before the auth scopes, and say nothing but what is wrong with the input.
    unsafelyHandleInputErrors: true,
  },
  validation: {
    // Invalid arguments are refused before the resolver (and before any write): a DomainError
    // VALIDATION naming the first field, with every issue in details.
    validationError: (result) => {
      const issues = result.issues.map((i) => ({ field: fieldOf(i.path), ...bilingual(i) }));
      const first = issues[0] ?? { field: '', en: 'Invalid input', zh: '输入有误' };
      return new DomainError(
        'VALIDATION',
        { zh: issues.map((i) => `${i.field}:${i.zh}`).join(';'), en: issues.map((i) => `${i.field}: ${i.en}`).join('; ') },
        { field: first.field, issues: issues.map(({ field, en }) => ({ field, message: en })) },
      );
    },
  },
});

/** Node types of the schema (objects implementing Node), for strict global-id decoding. */
function isNodeType(name: string): boolean {
  const store = builder.configStore;
  if (!store.hasConfig(name)) return false;
  const config = store.getTypeConfig(name);
  return config.kind === 'Object' && config.interfaces.some((i) => store.getTypeConfig(i).name === 'Node');
}

/**
 * The field as domain errors name it: inside an input-object argument (`input.teachers.0.name` →
 * `teachers.0.name`), else the argument and its path (`first`, `days.0.date`).
 */
function fieldOf(path: ReadonlyArray<PropertyKey | { key: PropertyKey }> | undefined): string {
  const parts = (path ?? []).map((p) => String(typeof p === 'object' ? p.key : p));
  return parts.length > 1 && !/^\d+$/.test(parts[1]!) ? parts.slice(1).join('.') : parts.join('.');
}

const zhLocale = z.locales.zhCN();
/** A validation issue in both languages: as the schema wrote it ('English / 中文'), else zod's own texts. */
function bilingual(issue: { message: string }): { en: string; zh: string } {
  const own = issue.message.split(' / ');
  if (own.length === 2 && /[\u4e00-\u9fff]/.test(own[1]!)) return { en: own[0]!, zh: own[1]! };
  const text = zhLocale.localeError(issue as never);
  return { en: issue.message, zh: typeof text === 'string' ? text : (text?.message ?? '输入有误') };
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
