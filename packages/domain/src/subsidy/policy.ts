import { isCalendarDate, isoDate } from '../shared/calendar-date';
import { DomainError } from '../shared/errors';
import { isRegionCode, regionAncestors } from '../identifiers/region-code';
import { isPolicyKind, type PolicyKind, type RulesByKind, validatePolicyRules } from './rules';

/**
 * A versioned subsidy policy: { code, version, regionCode, kind, status, effectiveFrom,
 * effectiveTo | null, rules }. A claim is judged by the version in force on its basis date (class
 * start, certificate issue date, apprenticeship year start) for the most specific region that has
 * one (county → city → province), newest version first. Published versions are immutable.
 */

/** DRAFT: being written, never used for claims. PUBLISHED: in force between its dates, immutable. */
export const POLICY_STATUSES = ['DRAFT', 'PUBLISHED'] as const;
export type PolicyStatus = (typeof POLICY_STATUSES)[number];

export interface PolicyRef {
  code: string;
  version: number;
}

/** What selection needs to know about a policy; `SubsidyPolicy` and mapped database rows both fit. */
export interface PolicyHeader extends PolicyRef {
  regionCode: string;
  kind: PolicyKind;
  status: PolicyStatus;
  /** 'YYYY-MM-DD', inclusive. */
  effectiveFrom: string;
  /** 'YYYY-MM-DD', inclusive; null = open-ended. */
  effectiveTo: string | null;
}

export type SubsidyPolicy = {
  [K in PolicyKind]: PolicyHeader & { kind: K; rules: RulesByKind[K] };
}[PolicyKind];

export type SubsidyPolicyOf<K extends PolicyKind> = PolicyHeader & { kind: K; rules: RulesByKind[K] };

/** A policy as stored: dates may still be `Date`s (Prisma @db.Date, UTC midnight) and rules raw JSON. */
export interface PolicyRecord {
  code: string;
  version: number;
  regionCode: string;
  kind: string;
  status: string;
  effectiveFrom: string | Date;
  effectiveTo: string | Date | null;
  rules: unknown;
}

/** Policy codes: upper-case letters, digits and hyphens, e.g. LF-TRAINING. */
export const POLICY_CODE = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$/;
export const MAX_POLICY_CODE_LENGTH = 64;

function invalid(field: string, zh: string, en: string): DomainError {
  return new DomainError('VALIDATION', { zh, en }, { field });
}

function dateOf(value: string | Date, field: string): string {
  const day = value instanceof Date ? (Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10)) : value;
  if (typeof day !== 'string' || !isCalendarDate(day)) {
    throw invalid(field, `${field}不是有效日期`, `${field} is not a valid date`);
  }
  return day;
}

/** Validate a stored policy and its rules; returns the typed policy or throws VALIDATION naming the field. */
export function validatePolicy(record: PolicyRecord): SubsidyPolicy {
  if (typeof record.code !== 'string' || record.code.length > MAX_POLICY_CODE_LENGTH || !POLICY_CODE.test(record.code)) {
    throw invalid('code', '政策编码须为大写字母、数字和连字符,如LF-TRAINING', 'A policy code is upper-case letters, digits and hyphens, e.g. LF-TRAINING');
  }
  if (!Number.isInteger(record.version) || record.version < 1) {
    throw invalid('version', '版本号须为正整数', 'The version must be a positive whole number');
  }
  if (typeof record.regionCode !== 'string' || !isRegionCode(record.regionCode)) {
    throw invalid('regionCode', `无效的行政区划代码:${String(record.regionCode)}`, `Invalid region code: ${String(record.regionCode)}`);
  }
  if (!isPolicyKind(record.kind)) {
    throw invalid('kind', `未知的补贴政策类别:${record.kind}`, `Unknown subsidy policy kind: ${record.kind}`);
  }
  if (!(POLICY_STATUSES as readonly string[]).includes(record.status)) {
    throw invalid('status', `未知的政策状态:${record.status}`, `Unknown policy status: ${record.status}`);
  }
  const effectiveFrom = dateOf(record.effectiveFrom, 'effectiveFrom');
  const effectiveTo = record.effectiveTo === null ? null : dateOf(record.effectiveTo, 'effectiveTo');
  if (effectiveTo !== null && effectiveTo < effectiveFrom) {
    throw invalid('effectiveTo', `失效日期${effectiveTo}早于生效日期${effectiveFrom}`, `effectiveTo ${effectiveTo} is before effectiveFrom ${effectiveFrom}`);
  }
  const header = {
    code: record.code,
    version: record.version,
    regionCode: record.regionCode,
    status: record.status as PolicyStatus,
    effectiveFrom,
    effectiveTo,
  };
  const kind = record.kind;
  return { ...header, kind, rules: validatePolicyRules(kind, record.rules) } as SubsidyPolicy;
}

/** Is the policy's effective period around `date` (both ends inclusive)? Status is not considered. */
export function isEffectiveOn(policy: Pick<PolicyHeader, 'effectiveFrom' | 'effectiveTo'>, date: string): boolean {
  return policy.effectiveFrom <= date && (policy.effectiveTo === null || date <= policy.effectiveTo);
}

export interface PolicyQuery {
  /** Region of the class, session or claimant (county, city or province). */
  regionCode: string;
  kind: PolicyKind;
  /** Class start, certificate issue date or apprenticeship year start. */
  basisDate: string;
}

/**
 * The PUBLISHED policy of `kind` in force on `basisDate` for the most specific region of
 * `regionCode` that has one (the region itself, then its city, then its province), the highest
 * version of it; null when none applies. Two different policy codes in force for the same region
 * and kind on one day is a data error (CONFLICT): the engine will not guess which one pays.
 */
export function policyInForce<P extends PolicyHeader>(policies: readonly P[], query: PolicyQuery): P | null {
  if (!isCalendarDate(query.basisDate)) {
    throw invalid('basisDate', `基准日期无效:${query.basisDate}`, `Invalid basis date: ${query.basisDate}`);
  }
  for (const region of regionAncestors(query.regionCode)) {
    const candidates = policies.filter(
      (p) => p.status === 'PUBLISHED' && p.kind === query.kind && p.regionCode === region && isEffectiveOn(p, query.basisDate),
    );
    if (candidates.length === 0) continue;
    const codes = [...new Set(candidates.map((p) => p.code))].sort();
    if (codes.length > 1) {
      throw new DomainError(
        'CONFLICT',
        {
          zh: `${region}在${query.basisDate}同时有多项生效的同类政策:${codes.join('、')}`,
          en: `Region ${region} has more than one ${query.kind} policy in force on ${query.basisDate}: ${codes.join(', ')}`,
        },
        { field: 'policy', regionCode: region, codes },
      );
    }
    return candidates.reduce((best, p) => (p.version > best.version ? p : best));
  }
  return null;
}

// ───────────────────────────── immutability ─────────────────────────────

export const POLICY_FIELDS = [
  'code',
  'version',
  'name',
  'regionCode',
  'kind',
  'status',
  'effectiveFrom',
  'effectiveTo',
  'rules',
  'sourceDocument',
] as const;
export type PolicyField = (typeof POLICY_FIELDS)[number];

/**
 * Fields that may change on a policy in each status. code and version identify a policy and never
 * change (a new version is a new row). A PUBLISHED policy may only be given an end date it did not
 * have (see `checkPolicyChange`); everything that decides an amount is frozen.
 */
export const POLICY_MUTABLE_FIELDS: Readonly<Record<PolicyStatus, readonly PolicyField[]>> = {
  DRAFT: ['name', 'regionCode', 'kind', 'status', 'effectiveFrom', 'effectiveTo', 'rules', 'sourceDocument'],
  PUBLISHED: ['effectiveTo'],
};

export function mayChangePolicyField(status: PolicyStatus, field: PolicyField): boolean {
  return POLICY_MUTABLE_FIELDS[status].includes(field);
}

export type PolicyDraftFields = PolicyRecord & { name?: string; sourceDocument?: string | null };

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    const da = a instanceof Date ? a.toISOString().slice(0, 10) : a;
    const db = b instanceof Date ? b.toISOString().slice(0, 10) : b;
    return da === db;
  }
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** JSON with object keys sorted, so { a, b } equals { b, a }. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * Check an edit of a policy (`before` → `after`) on `today` ('YYYY-MM-DD'):
 * - code and version never change;
 * - a DRAFT may change anything else and may be PUBLISHED (its rules are then validated in full);
 * - a PUBLISHED policy never goes back to DRAFT and only gains an end date: effectiveTo from null
 *   to a date on or after today (and its start), so no claim already judged by it changes.
 * Throws INVALID_TRANSITION naming the field, or VALIDATION from the rules.
 */
export function checkPolicyChange(before: PolicyDraftFields, after: PolicyDraftFields, today: string): void {
  const frozen = (field: PolicyField, zh: string, en: string) =>
    new DomainError('INVALID_TRANSITION', { zh, en }, { field, code: before.code, version: before.version });
  for (const field of ['code', 'version'] as const) {
    if (!same(before[field], after[field])) {
      throw frozen(field, `政策的${field}不可更改,请新建版本`, `A policy's ${field} never changes; create a new version instead`);
    }
  }
  if (before.status === 'DRAFT') {
    if (after.status === 'PUBLISHED') validatePolicy(after);
    return;
  }
  if (before.status !== 'PUBLISHED') throw invalid('status', `未知的政策状态:${before.status}`, `Unknown policy status: ${before.status}`);
  const label = `${before.code} v${before.version}`;
  for (const field of POLICY_FIELDS) {
    if (field === 'code' || field === 'version' || field === 'effectiveTo') continue;
    if (!same(before[field], after[field])) {
      throw frozen(field, `已发布的政策${label}不可修改${field},请发布新版本`, `Published policy ${label} cannot change ${field}; publish a new version`);
    }
  }
  if (same(before.effectiveTo, after.effectiveTo)) return;
  if (before.effectiveTo !== null) {
    throw frozen('effectiveTo', `已发布的政策${label}已有失效日期,不可再改`, `Published policy ${label} already has an end date; it cannot change`);
  }
  const end = after.effectiveTo === null ? null : dateOf(after.effectiveTo, 'effectiveTo');
  const start = dateOf(before.effectiveFrom, 'effectiveFrom');
  if (end === null || end < today || end < start) {
    throw frozen(
      'effectiveTo',
      `已发布政策${label}的失效日期须不早于今天(${today})和生效日期(${start})`,
      `The end date of published policy ${label} must be on or after today (${today}) and its start (${start})`,
    );
  }
}

/** A SubsidyPolicy row as stored: status PUBLISHED or its older name ACTIVE; dates as Postgres `date` (UTC midnight) or 'YYYY-MM-DD'. */
export interface StoredPolicyHeader {
  code: string;
  version: number;
  regionCode: string;
  kind: string;
  status: string;
  effectiveFrom: Date | string;
  effectiveTo: Date | string | null;
}

function dateText(value: Date | string): string {
  return typeof value === 'string' ? value : Number.isNaN(value.getTime()) ? '' : isoDate(value);
}

/**
 * The stored policy `policyInForce` chooses for the query (ACTIVE is read as PUBLISHED, other
 * statuses are never in force): the one choice that completion, claims and employment checks share,
 * so they apply the same version for the same region and date. Throws CONFLICT as policyInForce does.
 */
export function storedPolicyInForce<R extends StoredPolicyHeader>(rows: readonly R[], query: PolicyQuery): R | null {
  const headers = rows
    .filter((row) => row.status === 'PUBLISHED' || row.status === 'ACTIVE')
    .map((row) => ({
      row,
      code: row.code,
      version: row.version,
      regionCode: row.regionCode,
      kind: row.kind as PolicyKind,
      status: 'PUBLISHED' as const,
      effectiveFrom: dateText(row.effectiveFrom),
      effectiveTo: row.effectiveTo === null ? null : dateText(row.effectiveTo),
    }));
  return policyInForce(headers, query)?.row ?? null;
}
