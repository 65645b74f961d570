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

describe('maskPersonName', () => {
  it.each([
    ['张伟', '张*'],
    ['欧阳娜娜', '欧***'],
    ['王', '*'],
    [' 李四 ', '李*'],
  ])('%s → %s', async (name, masked) => {
    const { maskPersonName } = await import('./person/person');
    expect(maskPersonName(name)).toBe(masked);
  });
});
