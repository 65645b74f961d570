import { isRegionCode } from '../identifiers/region-code';

export const ROLES = [
  'SYSTEM_ADMIN',
  'BUREAU_OFFICER',
  'INSTITUTION_STAFF',
  'EVALUATOR',
  'ENTERPRISE_STAFF',
  'TRAINEE',
] as const;

export type Role = (typeof ROLES)[number];

export const ORGANIZATION_KINDS = [
  'TRAINING_INSTITUTION',
  'VOCATIONAL_COLLEGE',
  'EVALUATION_BODY',
  'ENTERPRISE',
  'HR_BUREAU',
] as const;

export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

/** A role granted to a user, scoped to a region (bureau), an organisation, or a person (trainee). */
export interface RoleBinding {
  role: Role;
  regionCode?: string;
  organizationId?: string;
  personId?: string;
}

type ScopeField = 'regionCode' | 'organizationId' | 'personId';

/** For each role: the scope fields it requires and those it may carry. */
const SCOPE: Record<Role, { required: readonly ScopeField[]; optional: readonly ScopeField[] }> = {
  SYSTEM_ADMIN: { required: [], optional: [] },
  // A bureau officer may also name the HR_BUREAU organisation that employs them.
  BUREAU_OFFICER: { required: ['regionCode'], optional: ['organizationId'] },
  INSTITUTION_STAFF: { required: ['organizationId'], optional: [] },
  EVALUATOR: { required: ['organizationId'], optional: [] },
  ENTERPRISE_STAFF: { required: ['organizationId'], optional: [] },
  TRAINEE: { required: ['personId'], optional: [] },
};

/** Which organisation kinds each role may be bound to. Employers evaluate their own staff. */
export const ROLE_ORGANIZATION_KINDS: Readonly<Record<Role, readonly OrganizationKind[]>> = {
  SYSTEM_ADMIN: [],
  BUREAU_OFFICER: ['HR_BUREAU'],
  INSTITUTION_STAFF: ['TRAINING_INSTITUTION', 'VOCATIONAL_COLLEGE'],
  EVALUATOR: ['EVALUATION_BODY', 'ENTERPRISE'],
  ENTERPRISE_STAFF: ['ENTERPRISE'],
  TRAINEE: [],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isOrganizationKind(value: string): value is OrganizationKind {
  return (ORGANIZATION_KINDS as readonly string[]).includes(value);
}

export function canBindToOrganization(role: Role, kind: OrganizationKind): boolean {
  return ROLE_ORGANIZATION_KINDS[role].includes(kind);
}

export type RoleBindingRule = 'UNKNOWN_ROLE' | 'REQUIRED' | 'NOT_ALLOWED' | 'INVALID_REGION';

export interface RoleBindingReason {
  field: 'role' | ScopeField;
  rule: RoleBindingRule;
  zh: string;
  en: string;
}

export type RoleBindingCheck = { ok: true } | { ok: false; reasons: RoleBindingReason[] };

const FIELD_NAMES: Record<ScopeField, { zh: string; en: string }> = {
  regionCode: { zh: '行政区划', en: 'region' },
  organizationId: { zh: '机构', en: 'organization' },
  personId: { zh: '人员', en: 'person' },
};

/** Checks that a binding carries exactly the scope its role needs. Blank strings count as absent. */
export function validateRoleBinding(binding: RoleBinding): RoleBindingCheck {
  if (!isRole(binding.role)) {
    return {
      ok: false,
      reasons: [{ field: 'role', rule: 'UNKNOWN_ROLE', zh: '未知角色', en: `Unknown role: ${binding.role}` }],
    };
  }
  const { required, optional } = SCOPE[binding.role];
  const reasons: RoleBindingReason[] = [];
  for (const field of ['regionCode', 'organizationId', 'personId'] as const) {
    const present = (binding[field]?.trim() ?? '') !== '';
    const name = FIELD_NAMES[field];
    if (required.includes(field) && !present) {
      reasons.push({
        field,
        rule: 'REQUIRED',
        zh: `该角色必须指定${name.zh}`,
        en: `Role ${binding.role} needs a ${name.en}`,
      });
    } else if (present && !required.includes(field) && !optional.includes(field)) {
      reasons.push({
        field,
        rule: 'NOT_ALLOWED',
        zh: `该角色不能指定${name.zh}`,
        en: `Role ${binding.role} cannot be scoped to a ${name.en}`,
      });
    }
  }
  const region = binding.regionCode;
  if (required.includes('regionCode') && region !== undefined && region.trim() !== '' && !isRegionCode(region)) {
    reasons.push({
      field: 'regionCode',
      rule: 'INVALID_REGION',
      zh: '行政区划代码无效',
      en: `Invalid region code: ${region}`,
    });
  }
  return reasons.length === 0 ? { ok: true } : { ok: false, reasons };
}
