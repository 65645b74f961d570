import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { isUuid } from '@vtc/db';
import { DomainError, isCalendarDate } from '@vtc/domain';
import {
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';

/**
 * One guard for every argument of every field, before validation schemas, global-id decoding and
 * the resolver (it is the first argument mapper). It refuses, as a DomainError VALIDATION naming the
 * field, what would otherwise reach Postgres or Prisma and come back as an internal error:
 * - strings with NUL (U+0000, Postgres cannot store it) or a lone UTF-16 surrogate (not Unicode);
 * - `Date` values that are not a real calendar date written YYYY-MM-DD (2026-02-30, 2026-13-45);
 * - global ids that do not decode to `<NodeType>:<id of that type's form>`, or name another type
 *   than the argument expects (a Certificate id where a class id belongs);
 * - Prisma connection cursors that are not `GPC:S:<uuid>`.
 * The field is named as domain errors name it: the path inside a single input-object argument
 * (`contractStart`, `teachers.0.name`, as in `input.contractStart` without `input.`), else the
 * argument's own name and path (`id`, `days.0.date`).
 */

/** A refusal of one input value, in both languages, naming the field. */
export function invalidInput(field: string, zh: string, en: string): DomainError {
  return new DomainError('VALIDATION', { zh: `${field}:${zh}`, en: `${field}: ${en}` }, { field });
}

/** NUL or a UTF-16 surrogate without its partner. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what we look for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function checkText(value: string, field: string): void {
  if (UNSTORABLE.test(value)) {
    throw invalidInput(field, '含有无法保存的字符(空字符或不成对的代理项)', 'contains a character that cannot be stored (NUL or a lone surrogate)');
  }
}

export function checkDate(value: string, field: string): void {
  const shown = value.length > 20 ? `${value.slice(0, 20)}…` : value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw invalidInput(field, `日期应为 YYYY-MM-DD 格式,${shown} 不是`, `Date must be YYYY-MM-DD, not ${shown}`);
  if (!isCalendarDate(value)) throw invalidInput(field, `日期 ${value} 在日历中不存在`, `Date ${value} does not exist in the calendar`);
}

/** The form of the database id of each node type whose id is not a UUID. */
const ID_FORMS: Readonly<Record<string, RegExp>> = { Region: /^\d{6}$/ };
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a global id strictly: base64 of `<Type>:<id>` where Type is a node type of the schema
 * (`isNodeType`) and id has that type's form (a UUID, a 6-digit region code). Null when it is not.
 */
export function parseGlobalId(value: unknown, isNodeType: (name: string) => boolean): { typename: string; id: string } | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || !BASE64.test(value)) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  const typename = decoded.slice(0, colon);
  const id = decoded.slice(colon + 1);
  if (!/^[A-Z][A-Za-z0-9]*$/.test(typename) || !isNodeType(typename)) return null;
  const form = ID_FORMS[typename];
  if (form ? !form.test(id) : !isUuid(id)) return null;
  return { typename, id };
}

function nodeTypeChecker(schema: GraphQLSchema): (name: string) => boolean {
  return (name) => {
    const t = Object.hasOwn(schema.getTypeMap(), name) ? schema.getType(name) : undefined;
    return !!t && 'getInterfaces' in t && !isInputObjectType(t) && t.getInterfaces().some((i) => i.name === 'Node');
  };
}

interface RelayIdExtensions {
  isRelayGlobalID?: boolean;
  relayGlobalIDFor?: ReadonlyArray<{ typename: string }> | null;
}

function checkGlobalId(value: unknown, ext: RelayIdExtensions, field: string, isNodeType: (name: string) => boolean): void {
  const parsed = parseGlobalId(value, isNodeType);
  if (!parsed) throw invalidInput(field, '不是有效的编号(ID)', 'is not a valid id');
  const allowed = ext.relayGlobalIDFor?.map((t) => t.typename);
  if (allowed?.length && !allowed.includes(parsed.typename)) {
    throw invalidInput(field, `编号类型不符,应为 ${allowed.join('/')} 的编号`, `is the id of a ${parsed.typename}, not of a ${allowed.join(' or ')}`);
  }
}

function checkCursor(value: string, field: string): void {
  const decoded = BASE64.test(value) ? Buffer.from(value, 'base64').toString('utf8') : '';
  if (decoded.startsWith('GPC:') && !(decoded.startsWith('GPC:S:') && isUuid(decoded.slice(6)))) {
    throw invalidInput(field, '分页游标无效', 'is not a valid page cursor');
  }
}

function walk(value: unknown, type: GraphQLInputType, path: string, ext: RelayIdExtensions | undefined, isNodeType: (name: string) => boolean): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) {
    walk(value, type.ofType, path, ext, isNodeType);
    return;
  }
  if (isListType(type)) {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, type.ofType, `${path}.${i}`, ext, isNodeType);
    }
    return;
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    for (const [name, f] of Object.entries(fields)) {
      if (Object.hasOwn(value as object, name)) {
        walk((value as Record<string, unknown>)[name], f.type, path ? `${path}.${name}` : name, f.extensions as RelayIdExtensions, isNodeType);
      }
    }
    return;
  }
  if (typeof value !== 'string') return;
  checkText(value, path);
  const named = getNamedType(type);
  if (isScalarType(named) && named.name === 'Date') checkDate(value, path);
  if (ext?.isRelayGlobalID) checkGlobalId(value, ext, path, isNodeType);
}

/** Checks the raw arguments of one field; throws the first refusal. */
export function guardArgs(args: Record<string, unknown>, defs: readonly GraphQLArgument[], isConnection: boolean, schema: GraphQLSchema): void {
  const isNodeType = nodeTypeChecker(schema);
  for (const def of defs) {
    const value = args[def.name];
    if (value === undefined || value === null) continue;
    const single = isInputObjectType(isNonNullType(def.type) ? def.type.ofType : def.type);
    walk(value, def.type, single ? '' : def.name, def.extensions as RelayIdExtensions, isNodeType);
    if (isConnection && (def.name === 'after' || def.name === 'before') && typeof value === 'string') checkCursor(value, def.name);
  }
}

export class InputGuardPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    if (Object.keys(fieldConfig.args).length === 0) return fieldConfig;
    const parentName = this.buildCache.getTypeConfig(fieldConfig.parentType).name;
    const fieldName = fieldConfig.name;
    return {
      ...fieldConfig,
      argMappers: [
        (args, _ctx, info) => {
          const parent = info.schema.getType(parentName);
          const field = parent && 'getFields' in parent && !isInputObjectType(parent) ? parent.getFields()[fieldName] : undefined;
          if (field) guardArgs(args, field.args, getNamedType(field.type).name.endsWith('Connection'), info.schema);
          return args;
        },
        ...(fieldConfig.argMappers ?? []),
      ],
    };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      inputGuard: InputGuardPlugin<Types>;
    }
  }
}

const pluginName = 'inputGuard';
SchemaBuilder.registerPlugin(pluginName, InputGuardPlugin);
export default pluginName;
