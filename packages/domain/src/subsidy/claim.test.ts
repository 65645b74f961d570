import { describe, expect, it } from '@jest/globals';
import { claimNumber, payableFen } from './claim';

describe('claimNumber', () => {
  it.each([
    ['141002', 2026, 1, 'BT-141002-2026-000001'],
    ['141000', 2026, 42, 'BT-141000-2026-000042'],
    ['140000', 2025, 123_456, 'BT-140000-2025-123456'],
    ['141002', 2027, 1_234_567, 'BT-141002-2027-1234567'],
  ] as const)('%s %i #%i → %s', (region, year, serial, expected) => {
    expect(claimNumber(region, year, serial)).toBe(expected);
  });
});

describe('payableFen: the stored claim total is the net of the lines, never below zero', () => {
  it.each([
    ['positive net', 230_000, 230_000],
    ['nothing', 0, 0],
    ['claw-backs exceed the balances', -150_000, 0],
    ['one fen', 1, 1],
    ['one fen short', -1, 0],
  ] as const)('%s: %i → %i', (_name, net, expected) => {
    expect(payableFen(net)).toBe(expected);
  });
});
