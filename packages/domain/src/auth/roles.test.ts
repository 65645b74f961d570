import { describe, expect, it } from '@jest/globals';
import {
  canBindToOrganization,
  isOrganizationKind,
  isRole,
  ORGANIZATION_KINDS,
  type OrganizationKind,
  ROLES,
  type Role,
  type RoleBinding,
  type RoleBindingRule,
  validateRoleBinding,
} from './roles';

describe('validateRoleBinding', () => {
  it.each<RoleBinding>([
    { role: 'SYSTEM_ADMIN' },
    { role: 'BUREAU_OFFICER', regionCode: '141000' },
    { role: 'BUREAU_OFFICER', regionCode: '140000', organizationId: 'org-bureau-sx' },
    { role: 'BUREAU_OFFICER', regionCode: '141002' },
    { role: 'INSTITUTION_STAFF', organizationId: 'org-1' },
    { role: 'EVALUATOR', organizationId: 'org-2' },
    { role: 'ENTERPRISE_STAFF', organizationId: 'org-3' },
    { role: 'TRAINEE', personId: 'person-1' },
    { role: 'TRAINEE', personId: 'person-1', regionCode: '' }, // blank counts as absent
  ])('%j is valid', (binding) => {
    expect(validateRoleBinding(binding)).toEqual({ ok: true });
  });

  it.each<[RoleBinding, Array<[string, RoleBindingRule]>]>([
    [{ role: 'SYSTEM_ADMIN', regionCode: '140000' }, [['regionCode', 'NOT_ALLOWED']]],
    [{ role: 'SYSTEM_ADMIN', organizationId: 'org-1', personId: 'p' }, [['organizationId', 'NOT_ALLOWED'], ['personId', 'NOT_ALLOWED']]],
    [{ role: 'BUREAU_OFFICER' }, [['regionCode', 'REQUIRED']]],
    [{ role: 'BUREAU_OFFICER', regionCode: '  ' }, [['regionCode', 'REQUIRED']]],
    [{ role: 'BUREAU_OFFICER', regionCode: '999999' }, [['regionCode', 'INVALID_REGION']]],
    [{ role: 'BUREAU_OFFICER', regionCode: '141000', personId: 'p' }, [['personId', 'NOT_ALLOWED']]],
    [{ role: 'INSTITUTION_STAFF' }, [['organizationId', 'REQUIRED']]],
    [{ role: 'INSTITUTION_STAFF', organizationId: 'org-1', regionCode: '141000' }, [['regionCode', 'NOT_ALLOWED']]],
    [{ role: 'EVALUATOR', organizationId: '' }, [['organizationId', 'REQUIRED']]],
    [{ role: 'ENTERPRISE_STAFF', personId: 'p' }, [['organizationId', 'REQUIRED'], ['personId', 'NOT_ALLOWED']]],
    [{ role: 'TRAINEE' }, [['personId', 'REQUIRED']]],
    [{ role: 'TRAINEE', personId: 'p', organizationId: 'org-1' }, [['organizationId', 'NOT_ALLOWED']]],
    [{ role: 'ROOT' as Role }, [['role', 'UNKNOWN_ROLE']]],
  ])('%j fails %j', (binding, expected) => {
    const result = validateRoleBinding(binding);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reasons.map((r) => [r.field, r.rule])).toEqual(expected);
  });
});

describe('canBindToOrganization', () => {
  const allowed: Record<Role, OrganizationKind[]> = {
    SYSTEM_ADMIN: [],
    BUREAU_OFFICER: ['HR_BUREAU'],
    INSTITUTION_STAFF: ['TRAINING_INSTITUTION', 'VOCATIONAL_COLLEGE'],
    EVALUATOR: ['EVALUATION_BODY', 'ENTERPRISE'],
    ENTERPRISE_STAFF: ['ENTERPRISE'],
    TRAINEE: [],
  };
  const table = ROLES.flatMap((role) =>
    ORGANIZATION_KINDS.map((kind): [Role, OrganizationKind, boolean] => [role, kind, allowed[role].includes(kind)]),
  );

  it.each(table)('%s → %s: %s', (role, kind, expected) => {
    expect(canBindToOrganization(role, kind)).toBe(expected);
  });
});

describe('isRole / isOrganizationKind', () => {
  it.each<[string, boolean, boolean]>([
    ['TRAINEE', true, false],
    ['EVALUATOR', true, false],
    ['ENTERPRISE', false, true],
    ['HR_BUREAU', false, true],
    ['trainee', false, false],
    ['', false, false],
  ])('%j: role %s, kind %s', (value, role, kind) => {
    expect(isRole(value)).toBe(role);
    expect(isOrganizationKind(value)).toBe(kind);
  });
});
