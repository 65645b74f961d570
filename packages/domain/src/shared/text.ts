import { DomainError, type LocalizedText } from './errors';

/**
 * Names people read on screens, lists and certificates (class names, uploaded file names): what they
 * show must be what is stored. A name is refused when it holds
 * - BIDI_CONTROL: a bidirectional embedding, override, isolate or mark (U+202A–U+202E, U+2066–U+2069,
 *   U+200E, U+200F, U+061C), which makes text display in another order than it is stored
 *   ("报名表\u202Excod.exe" shows as "报名表exe.docx");
 * - CONTROL_CHARACTER: NUL and the other C0/C1 controls, line and paragraph separators;
 * - INVISIBLE_CHARACTER: a format or default-ignorable character (zero-width space and joiners, BOM,
 *   soft hyphen, Hangul fillers, variation selectors, braille blank), which makes two different names
 *   look the same;
 * - MALFORMED: a lone UTF-16 surrogate (not text at all);
 * - BLANK: nothing but spaces.
 * Accepted names are returned in Unicode NFC with surrounding white space trimmed, so the same visible
 * name is stored the same way whichever keyboard or system typed it. Pure: the callers decide lengths.
 */
export type DisplayNameRule = 'BLANK' | 'BIDI_CONTROL' | 'CONTROL_CHARACTER' | 'INVISIBLE_CHARACTER' | 'MALFORMED';

export interface DisplayNameIssue extends LocalizedText {
  rule: DisplayNameRule;
}

const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/u;
const LONE_SURROGATE = /\p{Cs}/u;

const hex = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** What is wrong with `value` as a name called `label` (e.g. 班级名称 / The class name); null when nothing is. */
export function displayNameIssue(value: string, label: LocalizedText): DisplayNameIssue | null {
  const text = value.normalize('NFC');
  let position = 0;
  for (const ch of text) {
    position += 1;
    const where = { zh: `${hex(ch)}(第${position}个字符)`, en: `${hex(ch)} (character ${position})` };
    if (LONE_SURROGATE.test(ch)) {
      return { rule: 'MALFORMED', zh: `${label.zh}含有无效的字符编码 ${where.zh}`, en: `${label.en} holds an invalid character encoding at ${where.en}` };
    }
    if (BIDI.test(ch)) {
      return {
        rule: 'BIDI_CONTROL',
        zh: `${label.zh}含有改变文字显示方向的控制字符 ${where.zh},显示的内容会与实际不同,请删除后重试`,
        en: `${label.en} holds a text-direction control ${where.en} that makes it display differently from what it is; remove it`,
      };
    }
    if (CONTROL.test(ch)) {
      return { rule: 'CONTROL_CHARACTER', zh: `${label.zh}含有控制字符 ${where.zh},请删除后重试`, en: `${label.en} holds a control character ${where.en}; remove it` };
    }
    if (INVISIBLE.test(ch)) {
      return {
        rule: 'INVISIBLE_CHARACTER',
        zh: `${label.zh}含有不可见字符 ${where.zh},请删除后重试`,
        en: `${label.en} holds an invisible character ${where.en}; remove it`,
      };
    }
  }
  if (text.trim() === '') return { rule: 'BLANK', zh: `${label.zh}不能为空`, en: `${label.en} is required` };
  return null;
}

/**
 * The name as stored (NFC, trimmed), or a DomainError VALIDATION with details `field` and `reason`
 * (the DisplayNameRule).
 */
export function checkDisplayName(value: string, field: string, label: LocalizedText = { zh: '名称', en: 'The name' }): string {
  const issue = displayNameIssue(value, label);
  if (issue) throw new DomainError('VALIDATION', { zh: issue.zh, en: issue.en }, { field, reason: issue.rule });
  return value.normalize('NFC').trim();
}
