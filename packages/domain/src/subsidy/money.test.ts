import { describe, expect, it } from '@jest/globals';
import { applyBp, formatBp, formatYuan, mulDivHalfUp, roundHalfUp, sumFen, yuanEn, yuanZh } from './money';

describe('roundHalfUp: exact integer division, halves away from zero (四舍五入)', () => {
  it.each<[number, number, number]>([
    [5, 2, 3], // 2.5 → 3
    [3, 2, 2], // 1.5 → 2
    [7, 3, 2], // 2.33 → 2
    [8, 3, 3], // 2.67 → 3
    [1, 2, 1], // 0.5 → 1
    [0, 7, 0],
    [10, 5, 2],
    [-5, 2, -3], // a claw-back rounds like the payment it reverses
    [-7, 3, -2],
    [14_999, 10_000, 1], // 1.4999 → 1
    [15_000, 10_000, 2], // 1.5 → 2
  ])('%i / %i → %i', (n, d, q) => {
    expect(roundHalfUp(n, d)).toBe(q);
  });
  it('is exact where floats drift: 1.005 yuan × 100 is 100.49999… in floating point', () => {
    expect(Math.round(1.005 * 100)).toBe(100); // the float trap
    expect(roundHalfUp(1005, 10)).toBe(101); // 100.5 fen → 101
  });
  it('stays exact for products beyond 2^53', () => {
    expect(mulDivHalfUp(9_007_199_254_740_991, 10_000, 10_000)).toBe(9_007_199_254_740_991);
  });
  it.each<[number, number]>([
    [1.5, 2],
    [1, 0],
    [1, -2],
  ])('rejects %p / %p', (n, d) => {
    expect(() => roundHalfUp(n, d)).toThrow(RangeError);
  });
});

describe('applyBp: a share of an amount in fen, rounded half up once', () => {
  it.each<[number, number, number, string]>([
    [60_001, 5_000, 30_001, '50% of 600.01 yuan = 300.005 → 300.01'],
    [1, 5_000, 1, '50% of 1 fen = 0.5 → 1'],
    [3, 5_000, 2, '50% of 3 fen = 1.5 → 2'],
    [60_000, 5_000, 30_000, 'Bayannur +50% of 600 yuan'],
    [500_000, 5_000, 250_000, 'apprenticeship pre-payment 50% of 5,000 yuan'],
    [150_000, 6_000, 90_000, 'outcome tier 60% of 1,500 yuan'],
    [33_333, 8_000, 26_666, '80% of 333.33 = 266.664 → 266.66'],
    [33_335, 8_000, 26_668, '80% of 333.35 = 266.68 exactly'],
    [12_345, 3_333, 4_115, '33.33% of 123.45 = 41.1458… → 41.15'],
    [400_000, 10_000, 400_000, '100%'],
    [400_000, 0, 0, '0%'],
  ])('%i fen × %i bp → %i (%s)', (fen, bp, out) => {
    expect(applyBp(fen, bp)).toBe(out);
  });
});

describe('formatting for explanations', () => {
  it.each<[number, string]>([
    [400_000, '4,000.00'],
    [60_000, '600.00'],
    [30_001, '300.01'],
    [5, '0.05'],
    [0, '0.00'],
    [-250_000, '-2,500.00'],
    [123_456_789, '1,234,567.89'],
  ])('%i fen → %s yuan', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });
  it('names the currency in each language', () => {
    expect(yuanZh(400_000)).toBe('4,000.00元');
    expect(yuanEn(400_000)).toBe('CNY 4,000.00');
  });
  it.each<[number, string]>([
    [5_000, '50%'],
    [7_990, '79.9%'],
    [8_025, '80.25%'],
    [10_000, '100%'],
    [1, '0.01%'],
  ])('%i bp → %s', (bp, text) => {
    expect(formatBp(bp)).toBe(text);
  });
  it('sums fen exactly and refuses fractions', () => {
    expect(sumFen([400_000, 60_000, -30_000, 1])).toBe(430_001);
    expect(sumFen([])).toBe(0);
    expect(() => sumFen([0.1, 0.2])).toThrow(RangeError);
  });
});
