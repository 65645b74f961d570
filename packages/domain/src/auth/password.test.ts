import { describe, expect, it } from '@jest/globals';
import {
  checkPasswordPolicy,
  INITIAL_LOGIN_STATE,
  isLocked,
  LOCKOUT,
  type LoginEvent,
  type LoginState,
  nextLoginState,
  type PasswordRule,
} from './password';

describe('checkPasswordPolicy', () => {
  it.each<[string, string | undefined]>([
    ['Abcdefg1', undefined], // exactly 8, three classes
    ['abcdef1!', undefined], // lower, digit, symbol
    ['ABCDEF1!', undefined], // upper, digit, symbol
    ['Abcdefg!', undefined], // lower, upper, symbol
    ['Tr4ining-Linfen', 'zhangsan'],
    ['培训平台Abc12', undefined], // Chinese characters count as symbols
    [`Ab1${'x'.repeat(125)}`, undefined], // exactly 128
    ['Xy1#ab zz', 'ab'], // usernames shorter than 3 are not searched for
  ])('%j (user %j) passes', (password, username) => {
    expect(checkPasswordPolicy(password, { username })).toEqual({ ok: true });
  });

  it.each<[string, string | undefined, PasswordRule[]]>([
    ['Abc12!', undefined, ['MIN_LENGTH']],
    ['', undefined, ['MIN_LENGTH', 'CHARACTER_CLASSES']],
    [`Ab1${'x'.repeat(126)}`, undefined, ['MAX_LENGTH']],
    ['abcdefgh', undefined, ['CHARACTER_CLASSES']],
    ['abcdefg1', undefined, ['CHARACTER_CLASSES']],
    ['ABCDEFG!', undefined, ['CHARACTER_CLASSES']],
    ['12345678', undefined, ['CHARACTER_CLASSES']],
    ['Zhangsan2024!', 'zhangsan', ['CONTAINS_USERNAME']],
    ['xxZHANGSANxx1', ' ZhangSan ', ['CONTAINS_USERNAME']],
    ['abc', 'abc', ['MIN_LENGTH', 'CHARACTER_CLASSES', 'CONTAINS_USERNAME']],
  ])('%j (user %j) fails %j', (password, username, rules) => {
    const result = checkPasswordPolicy(password, { username });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reasons.map((r) => r.rule)).toEqual(rules);
      for (const reason of result.reasons) {
        expect(reason.zh).not.toBe('');
        expect(reason.en).not.toBe('');
      }
    }
  });

  it('counts characters, not UTF-16 units', () => {
    // 5 emoji plus "A1" is 7 characters but 12 UTF-16 units; 6 emoji plus "A1" is 8 characters.
    expect(checkPasswordPolicy('😀😀😀😀😀A1')).toMatchObject({ ok: false, reasons: [{ rule: 'MIN_LENGTH' }] });
    expect(checkPasswordPolicy('😀😀😀😀😀😀A1')).toEqual({ ok: true });
  });
});

const T0 = new Date('2024-06-01T02:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function replay(events: Array<[LoginEvent, number]>, start: LoginState = INITIAL_LOGIN_STATE): LoginState {
  return events.reduce((state, [event, minute]) => nextLoginState(state, event, at(minute)), start);
}

describe('nextLoginState', () => {
  const fail = (minute: number): [LoginEvent, number] => ['FAILURE', minute];
  const ok = (minute: number): [LoginEvent, number] => ['SUCCESS', minute];

  it.each<[string, Array<[LoginEvent, number]>, LoginState]>([
    ['one failure', [fail(0)], { failedCount: 1, lockedUntil: null }],
    ['four failures', [fail(0), fail(1), fail(2), fail(3)], { failedCount: 4, lockedUntil: null }],
    ['fifth failure locks for 15 minutes', [fail(0), fail(1), fail(2), fail(3), fail(4)], { failedCount: 0, lockedUntil: at(19) }],
    ['success resets the count', [fail(0), fail(1), fail(2), fail(3), ok(4), fail(5)], { failedCount: 1, lockedUntil: null }],
    ['events during the lock are ignored', [fail(0), fail(1), fail(2), fail(3), fail(4), fail(10), ok(18)], { failedCount: 0, lockedUntil: at(19) }],
    ['after the lock, counting starts again', [fail(0), fail(1), fail(2), fail(3), fail(4), fail(19)], { failedCount: 1, lockedUntil: null }],
    ['after the lock, success clears it', [fail(0), fail(1), fail(2), fail(3), fail(4), ok(20)], { failedCount: 0, lockedUntil: null }],
  ])('%s', (_label, events, expected) => {
    expect(replay(events)).toEqual(expected);
  });

  it('does not mutate the given state', () => {
    const state: LoginState = { failedCount: 4, lockedUntil: null };
    nextLoginState(state, 'FAILURE', T0);
    expect(state).toEqual({ failedCount: 4, lockedUntil: null });
  });

  it('uses the published limits', () => {
    expect(LOCKOUT).toEqual({ maxFailures: 5, lockMinutes: 15 });
  });
});

describe('isLocked', () => {
  it.each<[LoginState, number, boolean]>([
    [INITIAL_LOGIN_STATE, 0, false],
    [{ failedCount: 4, lockedUntil: null }, 0, false],
    [{ failedCount: 0, lockedUntil: at(15) }, 0, true],
    [{ failedCount: 0, lockedUntil: at(15) }, 14.99, true],
    [{ failedCount: 0, lockedUntil: at(15) }, 15, false], // the lock ends exactly at lockedUntil
    [{ failedCount: 0, lockedUntil: at(15) }, 16, false],
  ])('%j at +%s min → %s', (state, minute, expected) => {
    expect(isLocked(state, at(minute))).toBe(expected);
  });
});
