/**
 * The schema as introspection shows it, and read queries built from it: for a root field, its
 * scalars and its object fields to a depth, `__typename` everywhere and `id` on every Node type,
 * connections through `edges { node }` with `first`.
 */

export interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}

export interface InputValue {
  name: string;
  type: TypeRef;
  defaultValue: string | null;
}

export interface Field {
  name: string;
  args: InputValue[];
  type: TypeRef;
}

export interface NamedType {
  kind: 'OBJECT' | 'SCALAR' | 'ENUM' | 'UNION' | 'INTERFACE' | 'INPUT_OBJECT' | 'LIST' | 'NON_NULL';
  name: string;
  fields: Field[] | null;
  interfaces: Array<{ name: string }> | null;
  possibleTypes: Array<{ name: string }> | null;
}

export const INTROSPECTION = `query Introspect { __schema {
  queryType { name } mutationType { name }
  types { kind name
    fields { name args { name defaultValue type { ...T } } type { ...T } }
    interfaces { name } possibleTypes { name } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`;

export function named(t: TypeRef): string {
  let r: TypeRef | null = t;
  while (r && !r.name) r = r.ofType;
  return r?.name ?? '';
}

export class Schema {
  readonly types = new Map<string, NamedType>();
  readonly nodeTypes = new Set<string>();

  constructor(types: NamedType[]) {
    for (const t of types) this.types.set(t.name, t);
    for (const t of types) if (t.interfaces?.some((i) => i.name === 'Node')) this.nodeTypes.add(t.name);
  }

  field(typeName: string, field: string): Field | undefined {
    return this.types.get(typeName)?.fields?.find((f) => f.name === field);
  }

  rootQueryFields(): Field[] {
    return this.types.get('Query')?.fields ?? [];
  }

  isLeaf(typeName: string): boolean {
    const k = this.types.get(typeName)?.kind;
    return k === 'SCALAR' || k === 'ENUM';
  }

  /** A connection's node type, when `typeName` is a Relay connection. */
  connectionNode(typeName: string): string | null {
    if (!typeName.endsWith('Connection')) return null;
    const edges = this.field(typeName, 'edges');
    if (!edges) return null;
    const node = this.field(named(edges.type), 'node');
    return node ? named(node.type) : null;
  }
}

export function requiredArgs(f: Field): InputValue[] {
  return f.args.filter((a) => a.type.kind === 'NON_NULL' && a.defaultValue === null);
}

export interface SelectOptions {
  /** Object hops below the root field's own type. */
  depth: number;
  /** Scalars below the top level too (else only `__typename`, `id` and personal-looking strings). */
  nestedScalars: boolean;
  /** Page size of connections and `first` lists below the top. */
  nestedFirst: number;
}

const PERSONAL_FIELD = /name|idnumber|phone|contact|holder/i;

/** The selection set of `typeName` (without braces). */
export function selection(schema: Schema, typeName: string, o: SelectOptions, level = 0): string {
  const type = schema.types.get(typeName);
  if (!type) return '__typename';
  if (type.kind === 'UNION' || type.kind === 'INTERFACE') {
    const parts = ['__typename'];
    for (const p of type.possibleTypes ?? []) parts.push(`... on ${p.name} { ${selection(schema, p.name, o, level)} }`);
    return parts.join(' ');
  }
  const conn = schema.connectionNode(typeName);
  if (conn) return `edges { node { ${selection(schema, conn, o, level)} } }`;
  const parts = ['__typename'];
  if (schema.nodeTypes.has(typeName)) parts.push('id');
  for (const f of type.fields ?? []) {
    if (f.name === 'id' && schema.nodeTypes.has(typeName)) continue;
    if (requiredArgs(f).length) continue;
    const child = named(f.type);
    if (schema.isLeaf(child)) {
      if (level === 0 || o.nestedScalars || f.name === 'id' || PERSONAL_FIELD.test(f.name)) parts.push(f.name);
      continue;
    }
    if (level >= o.depth) continue;
    const hasFirst = f.args.some((a) => a.name === 'first');
    parts.push(`${f.name}${hasFirst ? `(first: ${o.nestedFirst})` : ''} { ${selection(schema, child, o, level + 1)} }`);
  }
  return parts.join(' ');
}

/** A read query of one root field, or null when it needs arguments we cannot make up. */
export function rootQuery(schema: Schema, f: Field, o: SelectOptions, first: number): string | null {
  if (requiredArgs(f).length) return null;
  const child = named(f.type);
  const hasFirst = f.args.some((a) => a.name === 'first');
  const args = hasFirst ? `(first: ${first})` : '';
  if (schema.isLeaf(child)) return `query { ${f.name}${args} }`;
  return `query { ${f.name}${args} { ${selection(schema, child, o)} } }`;
}
