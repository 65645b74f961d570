import { describe, expect, it } from '@jest/globals';
import { isOccupationCode, type OccupationCodeRule, parseOccupationCode } from './occupation-code';

describe('parseOccupationCode', () => {
  it.each([
    ['4-10-01-05', { code: '4-10-01-05', major: 4, middle: '10', minor: '01', detail: '05', workType: null }],
    ['6-18-02-04-01', { code: '6-18-02-04-01', major: 6, middle: '18', minor: '02', detail: '04', workType: '01' }],
    [' 1-01-00-01 ', { code: '1-01-00-01', major: 1, middle: '01', minor: '00', detail: '01', workType: null }],
    ['8-00-00-00', { code: '8-00-00-00', major: 8, middle: '00', minor: '00', detail: '00', workType: null }],
  ])('%j is valid', (input, value) => {
    expect(parseOccupationCode(input)).toEqual({ ok: true, value });
    expect(isOccupationCode(input)).toBe(true);
  });

  it.each<[string, OccupationCodeRule]>([
    ['', 'FORMAT'],
    ['4-10-01', 'FORMAT'], // a minor group, not an occupation
    ['4-10-01-05-01-01', 'FORMAT'],
    ['4100105', 'FORMAT'],
    ['4-1-01-05', 'FORMAT'],
    ['4-10-1-05', 'FORMAT'],
    ['4-10-01-5', 'FORMAT'],
    ['4-10-01-05-1', 'FORMAT'],
    ['04-10-01-05', 'FORMAT'],
    ['4—10—01—05', 'FORMAT'],
    ['4-10-01-0A', 'FORMAT'],
    ['0-10-01-05', 'MAJOR'],
    ['9-10-01-05', 'MAJOR'],
  ])('%j → %s', (input, rule) => {
    expect(parseOccupationCode(input)).toMatchObject({ ok: false, rule });
    expect(isOccupationCode(input)).toBe(false);
  });
});
