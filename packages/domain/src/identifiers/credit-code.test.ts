import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/errors';
import {
  CREDIT_CODE_WEIGHTS,
  type CreditCodeRule,
  classifyCreditCode,
  creditCodeCheckChar,
  creditCodeRegion,
  makeCreditCode,
  parseCreditCode,
} from './credit-code';

/** Publicly printed codes; each one was checked against the algorithm before being listed. */
const PUBLISHED = [
  '91350100M000100Y43',
  '91110000600037341L',
  '914403001922038216',
  '91330100716105852F',
  '9144030071526726XG',
];

describe('CREDIT_CODE_WEIGHTS', () => {
  it('are 3^i mod 31', () => {
    expect(CREDIT_CODE_WEIGHTS).toEqual(Array.from({ length: 17 }, (_, i) => 3 ** i % 31));
  });
});

describe('parseCreditCode', () => {
  it.each(PUBLISHED)('%s is valid', (code) => {
    expect(parseCreditCode(code)).toEqual({
      ok: true,
      value: {
        code,
        regionCode: code.slice(2, 8),
        authority: code.charAt(0),
        orgType: code.charAt(1),
        orgCode: code.slice(8, 17),
        checkValid: true,
      },
    });
  });

  it('trims and upper-cases', () => {
    expect(parseCreditCode(' 91350100m000100y43 ')).toMatchObject({
      ok: true,
      value: { code: '91350100M000100Y43', regionCode: '350100' },
    });
  });

  it.each<[string, string, CreditCodeRule]>([
    ['empty', '', 'LENGTH'],
    ['17 characters', '91350100M000100Y4', 'LENGTH'],
    ['19 characters', '91350100M000100Y433', 'LENGTH'],
    ['contains I', '91350100I000100Y43', 'CHARSET'],
    ['contains O', '91350100O000100Y43', 'CHARSET'],
    ['contains S', '91350100S000100Y43', 'CHARSET'],
    ['contains V', '91350100V000100Y43', 'CHARSET'],
    ['contains Z', '91350100Z000100Y43', 'CHARSET'],
    ['contains a dash', '91350100-00100Y43X', 'CHARSET'],
    ['region 000000', '91000000M000100Y43', 'REGION'],
    ['region with letters', '91AB0100M000100Y43', 'REGION'],
    ['flipped check character', '91350100M000100Y44', 'CHECKSUM'],
    ['flipped body character', '91350100M000200Y43', 'CHECKSUM'],
  ])('%s → %s', (_label, input, rule) => {
    expect(parseCreditCode(input)).toMatchObject({ ok: false, rule });
  });
});

describe('creditCodeCheckChar', () => {
  it.each(PUBLISHED)('gives the check character of %s', (code) => {
    expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code.charAt(17));
  });

  it('writes a remainder of 0 as "0", not "31"', () => {
    // 17 zeros: Σ = 0, so 31 − 0 = 31 → '0'.
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
  });

  it.each(['', '9135010000000000', '9135010000000000I', '91350100m000100y4'])('rejects %j', (first17) => {
    expect(() => creditCodeCheckChar(first17)).toThrow(DomainError);
  });
});

describe('makeCreditCode', () => {
  it.each([
    [{ regionCode: '350100', orgCode9: 'M000100Y4' }, '91350100M000100Y43'],
    [{ authority: '9', orgType: '1', regionCode: '110000', orgCode9: '600037341' }, '91110000600037341L'],
  ])('%j → %s', (parts, code) => {
    expect(makeCreditCode(parts)).toBe(code);
  });

  it('makes codes that parse for seeds', () => {
    for (const orgCode9 of ['MA0000001', 'MA0000002', '12345678X', 'MA0Q1W2E3']) {
      const code = makeCreditCode({ authority: '5', orgType: '2', regionCode: '141002', orgCode9 });
      expect(parseCreditCode(code)).toMatchObject({ ok: true, value: { code, regionCode: '141002' } });
    }
  });

  it.each([
    [{ regionCode: '990000', orgCode9: 'MA0000001' }],
    [{ regionCode: '141002', orgCode9: 'MA000000' }],
    [{ regionCode: '141002', orgCode9: 'MA00000011' }],
    [{ regionCode: '141002', orgCode9: 'MA000000I' }],
    [{ authority: '91', orgType: '', regionCode: '141002', orgCode9: 'MA0000001' }],
  ])('rejects %j', (parts) => {
    expect(() => makeCreditCode(parts)).toThrow(DomainError);
  });
});

describe('classifyCreditCode', () => {
  const constructed = makeCreditCode({ regionCode: '141000', orgCode9: 'MA0L1NFEN' });
  const lastIndex = '0123456789ABCDEFGHJKLMNPQRTUWXY'.indexOf(constructed.charAt(17));
  const flipped = constructed.slice(0, 17) + '0123456789ABCDEFGHJKLMNPQRTUWXY'.charAt((lastIndex + 1) % 31);

  it.each<[string, string, ReturnType<typeof classifyCreditCode>]>([
    ['published code', '91350100M000100Y43', 'VALID'],
    ['constructed code', constructed, 'VALID'],
    ['constructed code with its check flipped', flipped, 'NEEDS_REVIEW'],
    ['published code with its check flipped', '91110000600037341K', 'NEEDS_REVIEW'],
    ['too short', '91350100M000100Y4', 'INVALID'],
    ['bad charset', '91350100M000100Y4O', 'INVALID'],
    ['bad region', '91000000M000100Y43', 'INVALID'],
  ])('%s (%s) → %s', (_label, input, expected) => {
    expect(classifyCreditCode(input)).toBe(expected);
  });
});

describe('creditCodeRegion: characters 3–8, as written', () => {
  it.each([
    ['91350100M000100Y43', '350100'],
    ['91110000600037341L', '110000'],
    ['91141002MA0000002B', '141002'],
    ['9114100', '14100'],
    ['', ''],
  ] as const)('%s → %s', (code, region) => {
    expect(creditCodeRegion(code)).toBe(region);
  });
  it('is the region parseCreditCode reads', () => {
    for (const code of PUBLISHED) {
      const parsed = parseCreditCode(code);
      expect(parsed.ok && parsed.value.regionCode).toBe(creditCodeRegion(code));
    }
  });
});
