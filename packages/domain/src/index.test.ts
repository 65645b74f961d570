import { describe, expect, it } from '@jest/globals';
import * as domain from './index';

describe('@vtc/domain index', () => {
  it.each([
    'parseResidentId',
    'residentIdCheckChar',
    'makeResidentId',
    'maskResidentId',
    'ageOn',
    'parseCreditCode',
    'creditCodeCheckChar',
    'makeCreditCode',
    'classifyCreditCode',
    'isRegionCode',
    'regionLevel',
    'parentRegionCode',
    'regionAncestors',
    'regionCovers',
    'parseOccupationCode',
    'isHigherLevel',
    'checkPasswordPolicy',
    'nextLoginState',
    'isLocked',
    'validateRoleBinding',
    'canBindToOrganization',
    'DomainError',
  ])('exports %s', (name) => {
    expect(typeof (domain as Record<string, unknown>)[name]).toBe('function');
  });
});
