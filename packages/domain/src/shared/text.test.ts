import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { checkClassPlan } from '../training-class/filing';
import { DomainError } from './errors';
import { domainError } from './errors.testkit';
import { checkDisplayName, type DisplayNameRule, displayNameIssue } from './text';

const LABEL = { zh: '班级名称', en: 'The class name' };

describe('display names (class and file names)', () => {
  const accepted: Array<[string, string, string]> = [
    ['plain Chinese', '2026年养老护理员培训班', '2026年养老护理员培训班'],
    ['trimmed', '  电工培训班\u3000', '电工培训班'],
    ['inner ideographic space kept', '电工\u3000一班', '电工\u3000一班'],
    ['decomposed é becomes NFC', 'Cafe\u0301 班', 'Café 班'],
    ['file name with dots and brackets', '花名册(第1批).xlsx', '花名册(第1批).xlsx'],
    ['emoji without variation selector', '🔧 维修班', '🔧 维修班'],
    ['minority middle dot', '买买提·吐尔逊班', '买买提·吐尔逊班'],
  ];
  it.each(accepted)('accepts %s', (_, value, stored) => {
    expect(checkDisplayName(value, 'name', LABEL)).toBe(stored);
    expect(displayNameIssue(value, LABEL)).toBeNull();
  });

  const refused: Array<[string, string, DisplayNameRule, string]> = [
    ['right-to-left override', '报名表\u202excod.exe', 'BIDI_CONTROL', 'U+202E'],
    ['left-to-right embedding', '\u202a电工班', 'BIDI_CONTROL', 'U+202A'],
    ['pop directional formatting', '电工班\u202c', 'BIDI_CONTROL', 'U+202C'],
    ['right-to-left isolate', '电工\u2067班\u2069', 'BIDI_CONTROL', 'U+2067'],
    ['first strong isolate', '\u2068x', 'BIDI_CONTROL', 'U+2068'],
    ['left-to-right mark', '电工班\u200e', 'BIDI_CONTROL', 'U+200E'],
    ['right-to-left mark', '\u200f电工班', 'BIDI_CONTROL', 'U+200F'],
    ['Arabic letter mark', '\u061c电工班', 'BIDI_CONTROL', 'U+061C'],
    ['NUL', '电工\u0000班', 'CONTROL_CHARACTER', 'U+0000'],
    ['line feed', '电工\n班', 'CONTROL_CHARACTER', 'U+000A'],
    ['C1 control', '电工\u0085班', 'CONTROL_CHARACTER', 'U+0085'],
    ['DEL', '电工\u007f', 'CONTROL_CHARACTER', 'U+007F'],
    ['line separator', '电工\u2028班', 'CONTROL_CHARACTER', 'U+2028'],
    ['zero-width space inside', '电\u200b工班', 'INVISIBLE_CHARACTER', 'U+200B'],
    ['zero-width joiner only', '\u200d', 'INVISIBLE_CHARACTER', 'U+200D'],
    ['byte order mark only', '\ufeff', 'INVISIBLE_CHARACTER', 'U+FEFF'],
    ['Hangul filler only', '\u3164\u3164', 'INVISIBLE_CHARACTER', 'U+3164'],
    ['halfwidth Hangul filler', '\uffa0', 'INVISIBLE_CHARACTER', 'U+FFA0'],
    ['soft hyphen', '电工\u00ad班', 'INVISIBLE_CHARACTER', 'U+00AD'],
    ['word joiner', '\u2060', 'INVISIBLE_CHARACTER', 'U+2060'],
    ['braille blank', '\u2800', 'INVISIBLE_CHARACTER', 'U+2800'],
    ['variation selector', '电工班\ufe0f', 'INVISIBLE_CHARACTER', 'U+FE0F'],
    ['lone high surrogate', '电工\ud800班', 'MALFORMED', 'U+D800'],
    ['lone low surrogate', '\udc00', 'MALFORMED', 'U+DC00'],
    ['empty', '', 'BLANK', ''],
    ['spaces only', ' \u3000\u00a0 ', 'BLANK', ''],
  ];
  it.each(refused)('refuses %s', (_, value, rule, codePoint) => {
    const err = domainError(() => checkDisplayName(value, 'name', LABEL));
    expect(err.code).toBe('VALIDATION');
    expect(err.details).toEqual({ field: 'name', reason: rule });
    expect(err.localized.zh).toContain('班级名称');
    expect(err.message).toContain('The class name');
    expect(err.localized.zh).toContain(codePoint);
    expect(err.message).toContain(codePoint);
  });

  it('names the position of the character', () => {
    expect(domainError(() => checkDisplayName('ab\u202ec', 'fileName')).message).toContain('character 3');
  });

  const hostile = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u200b', '\u200d', '\ufeff', '\u3164', '\u0000', '\ud800', '\udfff', ' '];
  const names = fc
    .array(fc.oneof(fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)), fc.constantFrom(...hostile), fc.constantFrom('班', 'a', '1')), {
      maxLength: 12,
    })
    .map((parts) => parts.join(''));
  const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

  it('never accepts a direction control or an invisible-only name; every refusal names the field', () => {
    fc.assert(
      fc.property(names, (value) => {
        let stored: string;
        try {
          stored = checkDisplayName(value, 'fileName');
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
          expect((e as DomainError).details?.field).toBe('fileName');
          return;
        }
        expect(BIDI.test(stored)).toBe(false);
        expect(stored.trim()).not.toBe('');
        expect(stored).toBe(stored.normalize('NFC'));
        expect(/\p{Cs}/u.test(stored)).toBe(false);
        expect(checkDisplayName(stored, 'fileName')).toBe(stored);
      }),
      { numRuns: 2_000 },
    );
  });

  it('class plans refuse such class names on field name', () => {
    const plan = { startDate: '2026-05-01', endDate: '2026-05-30', plannedHours: 80, capacity: 40 };
    expect(checkClassPlan({ ...plan, name: '养老护理员培训班' })).toEqual([]);
    expect(checkClassPlan(plan)).toEqual([]);
    expect(checkClassPlan({ ...plan, name: '培训班\u202e' })).toEqual([expect.objectContaining({ field: 'name', zh: expect.stringContaining('U+202E') })]);
    expect(checkClassPlan({ ...plan, name: '\u200b\u3164' })).toEqual([expect.objectContaining({ field: 'name' })]);
  });
});
