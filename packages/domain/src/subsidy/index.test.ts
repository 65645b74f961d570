import { describe, expect, it } from '@jest/globals';
import * as domain from '../index';
import * as subsidy from './index';

describe('subsidy index', () => {
  it.each([
    'computeClaim',
    'outcomeTierFor',
    'validatePolicy',
    'validatePolicyRules',
    'policyInForce',
    'checkPolicyChange',
    'mayChangePolicyField',
    'dedupKey',
    'limitKey',
    'limitSlotKey',
    'roundHalfUp',
    'applyBp',
    'formatYuan',
    'withinMonthsAfter',
    'contractMonths',
    'claimDeadline',
    'isFiledInTime',
    'subsidyYearOf',
    'checkEligibility',
    'findQualifyingEmployment',
    'checkYearlyLimit',
    'claimNumber',
    'payableFen',
    'apprenticeshipYearFacts',
    'apprenticeshipTermEnd',
  ])('exports %s, also from @vtc/domain', (name) => {
    expect(typeof (subsidy as Record<string, unknown>)[name]).toBe('function');
    expect((domain as Record<string, unknown>)[name]).toBe((subsidy as Record<string, unknown>)[name]);
  });
  it('keeps test fixtures and internal helpers out of the package', () => {
    expect('EXAMPLE_POLICIES' in subsidy).toBe(false);
    expect('refuse' in subsidy).toBe(false);
  });
});
