import { describe, expect, it } from '@jest/globals';
import { certificateNumberPrefix, formatCertificateNumber, parseCertificateNumber } from './number';

describe('national skill-level certificate number', () => {
  const parts = {
    evaluatorType: 'S' as const,
    organizationCode: '1408',
    provinceCode: '14',
    siteCode: '141002',
    year: 2026,
    level: 'LEVEL_4' as const,
    serial: 37,
  };
  it('has 22 characters in the documented order', () => {
    const n = formatCertificateNumber(parts);
    expect(n).toBe('S1408141410022640000' + '37');
    expect(n).toHaveLength(22);
    expect(parseCertificateNumber(n)).toEqual(parts);
  });
  it.each([
    ['Y', 'LEVEL_1', 1, 'Y140814141002261000001'],
    ['S', 'LEVEL_5', 999_999, 'S140814141002265999999'],
  ] as const)('%s %s serial %i → %s', (evaluatorType, level, serial, expected) => {
    expect(formatCertificateNumber({ ...parts, evaluatorType, level, serial })).toBe(expected);
  });
  it.each([
    [{ serial: 0 }, 'serial'],
    [{ serial: 1_000_000 }, 'serial'],
    [{ organizationCode: '14A8' }, 'organizationCode'],
    [{ siteCode: '14100' }, 'siteCode'],
    [{ evaluatorType: 'X' }, 'evaluatorType'],
  ])('rejects %j on %s', (change, field) => {
    expect(() => formatCertificateNumber({ ...parts, ...(change as object) })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ field }) }),
    );
  });
  it.each(['', 'S14081414100226400003', 'S1408141410022640000371', 'X140814141002264000037', 'S140814141002260000037', 'S140814141002264000000'])(
    'does not parse %s',
    (s) => {
      expect(parseCertificateNumber(s)).toBeNull();
    },
  );
  it('the prefix is the number without its serial', () => {
    expect(certificateNumberPrefix(parts)).toBe(formatCertificateNumber(parts).slice(0, 16));
  });
});
