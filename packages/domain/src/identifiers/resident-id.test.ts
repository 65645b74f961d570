import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/errors';
import {
  ageOn,
  makeResidentId,
  maskResidentId,
  parseResidentId,
  type ResidentIdRule,
  residentIdCheckChar,
} from './resident-id';

const TODAY = new Date('2024-06-01T04:00:00Z'); // 2024-06-01 12:00 in Shanghai

describe('parseResidentId: valid numbers', () => {
  it.each([
    // input, normalised id, region, birth date, sex
    ['11010519491231002X', '11010519491231002X', '110105', '1949-12-31', 'FEMALE'], // the GB 11643 sample
    ['11010519491231002x', '11010519491231002X', '110105', '1949-12-31', 'FEMALE'], // lower-case x
    ['  11010519491231002X\n', '11010519491231002X', '110105', '1949-12-31', 'FEMALE'], // trimmed
    ['141002200002291237', '141002200002291237', '141002', '2000-02-29', 'MALE'], // leap day (2000 % 400 = 0)
    ['141002190001010011', '141002190001010011', '141002', '1900-01-01', 'MALE'], // earliest date
    ['15080219900315011X', '15080219900315011X', '150802', '1990-03-15', 'MALE'],
    ['440300198511074568', '440300198511074568', '440300', '1985-11-07', 'FEMALE'], // city-level code
    ['110105200012310006', '110105200012310006', '110105', '2000-12-31', 'FEMALE'], // sequence 000
    ['141002202406010023', '141002202406010023', '141002', '2024-06-01', 'FEMALE'], // born today
  ])('%j is valid', (input, id, regionCode, birthDate, sex) => {
    expect(parseResidentId(input, TODAY)).toEqual({ ok: true, value: { id, regionCode, birthDate, sex } });
  });
});

describe('parseResidentId: invalid numbers', () => {
  it.each<[string, string, ResidentIdRule]>([
    ['empty', '', 'LENGTH'],
    ['17 characters', '11010519491231002', 'LENGTH'],
    ['19 characters', '11010519491231002X1', 'LENGTH'],
    ['old 15-digit number', '110105491231002', 'LENGTH'],
    ['X not last', '1101051949123100X2', 'FORMAT'],
    ['letter in body', '11010519491231A02X', 'FORMAT'],
    ['full-width digit', '１1010519491231002X', 'FORMAT'],
    ['region 000000', '000000199001010018', 'REGION'],
    ['unknown province 99', '990100199001010012', 'REGION'],
    ['county under no city (110001)', '11000119900101001X', 'REGION'],
    ['1900-02-29 (1900 is not a leap year)', '141002190002290019', 'BIRTH_DATE'],
    ['2023-02-29', '141002202302290016', 'BIRTH_DATE'],
    ['month 13', '14100219901301001X', 'BIRTH_DATE'],
    ['before 1900', '141002189912310017', 'BIRTH_DATE'],
    ['born tomorrow', '141002202406020010', 'BIRTH_DATE_FUTURE'],
    ['wrong check character', '110105194912310021', 'CHECKSUM'],
    ['check digit where X is due', '110105194912310020', 'CHECKSUM'],
  ])('%s → %s', (_label, input, rule) => {
    const result = parseResidentId(input, TODAY);
    expect(result).toMatchObject({ ok: false, rule });
    if (!result.ok) {
      expect(result.message.zh).not.toBe('');
      expect(result.message.en).not.toBe('');
    }
  });

  it('reads "today" as the Shanghai calendar date', () => {
    // 2024-06-01 17:00 UTC is already 2024-06-02 in Shanghai.
    expect(parseResidentId('141002202406020010', new Date('2024-06-01T17:00:00Z')).ok).toBe(true);
    expect(parseResidentId('141002202406020010', new Date('2024-06-01T15:59:59Z'))).toMatchObject({
      rule: 'BIRTH_DATE_FUTURE',
    });
  });
});

describe('residentIdCheckChar', () => {
  it.each([
    ['11010519491231002', 'X'],
    ['14100220000229123', '7'],
    ['44030019851107456', '8'],
  ])('%s → %s', (first17, check) => {
    expect(residentIdCheckChar(first17)).toBe(check);
  });

  it.each(['', '1101051949123100', '1101051949123100X'])('rejects %j', (first17) => {
    expect(() => residentIdCheckChar(first17)).toThrow(DomainError);
  });
});

describe('makeResidentId', () => {
  it.each([
    [{ regionCode: '110105', birthDate: '1949-12-31', sequence: 2 }, '11010519491231002X'],
    [{ regionCode: '141002', birthDate: '2000-02-29', sequence: 123 }, '141002200002291237'],
    [{ regionCode: '150802', birthDate: '1990-03-15', sequence: 11 }, '15080219900315011X'],
  ])('%j → %s', (parts, id) => {
    expect(makeResidentId(parts)).toBe(id);
    expect(parseResidentId(id, TODAY).ok).toBe(true);
  });

  it.each([
    [{ regionCode: '990000', birthDate: '1990-01-01', sequence: 1 }],
    [{ regionCode: '141002', birthDate: '2023-02-29', sequence: 1 }],
    [{ regionCode: '141002', birthDate: '1899-12-31', sequence: 1 }],
    [{ regionCode: '141002', birthDate: '1990-01-01', sequence: 1000 }],
    [{ regionCode: '141002', birthDate: '1990-01-01', sequence: -1 }],
    [{ regionCode: '141002', birthDate: '1990-01-01', sequence: 1.5 }],
  ])('rejects %j', (parts) => {
    expect(() => makeResidentId(parts)).toThrow(DomainError);
  });
});

describe('maskResidentId', () => {
  it.each([
    ['141002200002291234', '141002********1234'],
    ['11010519491231002x', '110105********002X'],
    ['110105491231002', '110105*****1002'],
    ['12345', '*****'],
    ['', ''],
  ])('%j → %j', (id, masked) => {
    expect(maskResidentId(id)).toBe(masked);
  });
});

describe('ageOn', () => {
  it.each<[string, Date | string, number]>([
    ['1990-06-15', '2024-06-14', 33],
    ['1990-06-15', '2024-06-15', 34], // birthday
    ['1990-06-15', '2024-12-31', 34],
    ['2000-02-29', '2001-02-28', 0],
    ['2000-02-29', '2001-03-01', 1],
    ['2000-02-29', '2004-02-29', 4],
    ['2024-06-01', '2024-06-01', 0],
    ['2006-06-02', new Date('2024-06-01T15:59:59Z'), 17], // 23:59:59 on 1 June in Shanghai
    ['2006-06-02', new Date('2024-06-01T16:00:00Z'), 18], // midnight 2 June in Shanghai
  ])('born %s, on %s → %i', (birthDate, on, age) => {
    expect(ageOn(birthDate, on)).toBe(age);
  });

  it.each<[string, Date | string]>([
    ['1990-02-30', '2024-01-01'],
    ['1990-01-01', '2024-13-01'],
    ['1990-01-01', new Date(Number.NaN)],
    ['2024-06-02', '2024-06-01'],
  ])('rejects born %s, on %s', (birthDate, on) => {
    expect(() => ageOn(birthDate, on)).toThrow(DomainError);
  });
});
