import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/errors';
import { BAYANNUR_CLASS_HOUR, LINFEN_TRAINING, withRules } from './fixtures';
import {
  checkPolicyChange,
  mayChangePolicyField,
  type PolicyHeader,
  type PolicyRecord,
  policyInForce,
  validatePolicy,
} from './policy';

function header(p: Partial<PolicyHeader> & Pick<PolicyHeader, 'code' | 'version' | 'regionCode'>): PolicyHeader {
  return { kind: 'TRAINING', status: 'PUBLISHED', effectiveFrom: '2022-07-01', effectiveTo: null, ...p };
}

describe('validatePolicy', () => {
  it('types a stored policy, reading @db.Date values as calendar dates', () => {
    const p = validatePolicy({ ...LINFEN_TRAINING, effectiveFrom: new Date('2022-07-01T00:00:00Z') });
    expect(p).toMatchObject({ code: 'LF-TRAINING', version: 1, kind: 'TRAINING', effectiveFrom: '2022-07-01', effectiveTo: null });
    if (p.kind !== 'TRAINING') throw new Error('kind');
    expect(p.rules.maxPerPersonFen).toBe(400_000);
  });
  it.each<[string, Partial<PolicyRecord>, string]>([
    ['lower-case code', { code: 'lf-training' }, 'code'],
    ['version 0', { version: 0 }, 'version'],
    ['bad region', { regionCode: '999999' }, 'regionCode'],
    ['unknown kind', { kind: 'EMPLOYMENT_BONUS' }, 'kind'],
    ['unknown status', { status: 'ACTIVE' }, 'status'],
    ['end before start', { effectiveTo: '2022-06-30' }, 'effectiveTo'],
    ['bad start', { effectiveFrom: '2022-02-30' }, 'effectiveFrom'],
    ['bad rules', { rules: {} }, 'rules.payee'],
    [
      'review levels approving below review',
      { rules: { ...(LINFEN_TRAINING.rules as object), review: { review: ['CITY'], approve: ['COUNTY'], closeNotice: ['CITY'], pay: ['CITY'] } } },
      'rules.review.approve',
    ],
  ])('%s → VALIDATION on %s', (_name, change, field) => {
    try {
      validatePolicy({ ...LINFEN_TRAINING, ...change });
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).details?.field).toBe(field);
    }
  });
});

describe('policyInForce: most specific region, version in force on the basis date, newest version', () => {
  const policies: PolicyHeader[] = [
    header({ code: 'SX-TRAINING', version: 1, regionCode: '140000', effectiveFrom: '2020-01-01' }),
    header({ code: 'LF-TRAINING', version: 1, regionCode: '141000', effectiveFrom: '2022-07-01', effectiveTo: '2025-12-31' }),
    header({ code: 'LF-TRAINING', version: 2, regionCode: '141000', effectiveFrom: '2025-01-01' }),
    header({ code: 'LF-TRAINING', version: 3, regionCode: '141000', effectiveFrom: '2026-01-01', status: 'DRAFT' }),
    header({ code: 'YD-TRAINING', version: 1, regionCode: '141002', effectiveFrom: '2024-01-01', effectiveTo: '2024-12-31' }),
    header({ code: 'LF-CLASS-HOUR', version: 1, regionCode: '141000', kind: 'CLASS_HOUR', effectiveFrom: '2020-01-01' }),
  ];
  it.each<[string, string, string | null, string]>([
    ['141002', '2024-06-01', 'YD-TRAINING v1', 'the county policy beats the city'],
    ['141002', '2024-12-31', 'YD-TRAINING v1', 'last day of the county policy (inclusive)'],
    ['141002', '2025-01-01', 'LF-TRAINING v2', 'county ended: the city, newest version in force'],
    ['141002', '2023-03-01', 'LF-TRAINING v1', 'before v2 took effect'],
    ['141000', '2022-07-01', 'LF-TRAINING v1', 'first day (inclusive)'],
    ['141000', '2022-06-30', 'SX-TRAINING v1', 'before the city policy: the province'],
    ['141000', '2026-06-01', 'LF-TRAINING v2', 'the v3 draft is never used'],
    ['140200', '2026-06-01', 'SX-TRAINING v1', 'another city of Shanxi: the province'],
    ['150800', '2026-06-01', null, 'no policy for Bayannur'],
    ['140000', '2019-12-31', null, 'before any policy'],
  ])('%s on %s → %s (%s)', (regionCode, basisDate, expected) => {
    const p = policyInForce(policies, { regionCode, kind: 'TRAINING', basisDate });
    expect(p ? `${p.code} v${p.version}` : null).toBe(expected);
  });
  it('only the asked kind', () => {
    expect(policyInForce(policies, { regionCode: '141002', kind: 'CLASS_HOUR', basisDate: '2026-06-01' })?.code).toBe('LF-CLASS-HOUR');
  });
  it('two different codes in force for one region and kind is a CONFLICT, not a guess', () => {
    const clash = [...policies, header({ code: 'LF-TRAINING-B', version: 1, regionCode: '141000', effectiveFrom: '2026-01-01' })];
    expect(() => policyInForce(clash, { regionCode: '141002', kind: 'TRAINING', basisDate: '2026-06-01' })).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
  });
});

describe('published policies are immutable', () => {
  const published = { ...LINFEN_TRAINING, name: '临汾市补贴性职业技能培训阶梯式补贴', sourceDocument: '003' };
  const draft = { ...published, status: 'DRAFT' };
  const today = '2026-05-01';

  it('says which fields may change', () => {
    expect(mayChangePolicyField('DRAFT', 'rules')).toBe(true);
    expect(mayChangePolicyField('DRAFT', 'code')).toBe(false);
    expect(mayChangePolicyField('PUBLISHED', 'rules')).toBe(false);
    expect(mayChangePolicyField('PUBLISHED', 'effectiveTo')).toBe(true);
  });
  it('a draft changes freely and is validated in full when published', () => {
    expect(() => checkPolicyChange(draft, { ...draft, rules: { anything: true } }, today)).not.toThrow();
    expect(() => checkPolicyChange(draft, { ...published, rules: { anything: true } }, today)).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
    expect(() => checkPolicyChange(draft, published, today)).not.toThrow();
  });
  it.each<[string, Partial<PolicyRecord & { name: string }>]>([
    ['rules', { rules: { ...(LINFEN_TRAINING.rules as object), maxPerPersonFen: 500_000 } }],
    ['effectiveFrom', { effectiveFrom: '2022-01-01' }],
    ['regionCode', { regionCode: '141002' }],
    ['name', { name: '改名' }],
    ['status', { status: 'DRAFT' }],
    ['version', { version: 2 }],
  ])('a published policy cannot change %s', (field, change) => {
    expect(() => checkPolicyChange(published, { ...published, ...change }, today)).toThrow(
      expect.objectContaining({ code: 'INVALID_TRANSITION', details: expect.objectContaining({ field }) }),
    );
  });
  it('treats reordered JSON keys as unchanged', () => {
    const reordered = Object.fromEntries(Object.entries(LINFEN_TRAINING.rules as object).reverse());
    expect(() => checkPolicyChange(published, { ...published, rules: reordered }, today)).not.toThrow();
  });
  it('a published policy may be given an end date, from today on, once', () => {
    expect(() => checkPolicyChange(published, { ...published, effectiveTo: '2026-05-01' }, today)).not.toThrow();
    expect(() => checkPolicyChange(published, { ...published, effectiveTo: '2026-04-30' }, today)).toThrow(
      expect.objectContaining({ code: 'INVALID_TRANSITION' }),
    );
    const ended = { ...published, effectiveTo: '2026-12-31' };
    expect(() => checkPolicyChange(ended, { ...ended, effectiveTo: '2027-12-31' }, today)).toThrow(
      expect.objectContaining({ code: 'INVALID_TRANSITION' }),
    );
  });
  it('works for the other kinds too', () => {
    const p = { ...withRules(BAYANNUR_CLASS_HOUR, {}), status: 'PUBLISHED' };
    expect(() => checkPolicyChange(p, withRules(p, { maxPerPersonFen: null }), today)).toThrow(
      expect.objectContaining({ code: 'INVALID_TRANSITION' }),
    );
  });
});
