import { describe, expect, it } from '@jest/globals';
import { domainError } from '../shared/errors.testkit';
import { checkLoginInput, clientKeyOf, isCleanText, LOGIN_THROTTLE, loginAllowance, loginAllowed } from './login';
import { checkPasswordPolicy } from './password';

describe('login throttle', () => {
  it('gives a client 5 attempts on an account, and 1 once the account has had more than 50 from everyone', () => {
    expect(LOGIN_THROTTLE).toEqual({ windowMinutes: 15, attemptsPerClient: 5, accountAlertAttempts: 50, attemptsPerClientUnderAttack: 1 });
    expect(loginAllowance(1)).toBe(5);
    expect(loginAllowance(50)).toBe(5);
    expect(loginAllowance(51)).toBe(1);
  });

  it.each([
    [{ client: 1, account: 1 }, true],
    [{ client: 5, account: 5 }, true],
    [{ client: 6, account: 6 }, false],
    [{ client: 1, account: 500 }, true], // the real user's first try on an account under attack
    [{ client: 2, account: 51 }, false],
  ])('%j → allowed %s', (counts, allowed) => {
    expect(loginAllowed(counts)).toBe(allowed);
  });
});

describe('clientKeyOf', () => {
  it.each([
    [undefined, 'unknown'],
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['not-an-address', 'not-an-address'],
  ])('%s → %s', (ip, key) => {
    expect(clientKeyOf(ip)).toBe(key);
  });

  it('counts every address of one /64 as one client, and neighbouring /64s apart', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 200; i++) keys.add(clientKeyOf(`2001:db8:aa:bb:${i.toString(16)}:${(i * 7919).toString(16).slice(-4)}::${i % 3}`));
    expect([...keys]).toEqual(['2001:db8:aa:bb::/64']);
    expect(clientKeyOf('2001:db8:aa:bc::1')).not.toBe(clientKeyOf('2001:db8:aa:bb::1'));
  });
});

describe('login input', () => {
  it.each([
    ['admin', true],
    ['培训机构管理员', true],
    ['emoji 😀 pair', true],
    ['nul\u0000', false],
    ['lone \ud800 high', false],
    ['lone \udc00 low', false],
    ['reversed \udc00\ud800', false],
    ['tab\there', false],
    ['del\u007f', false],
  ])('isCleanText(%j) is %s', (text, clean) => {
    expect(isCleanText(text)).toBe(clean);
  });

  it('allows control characters other than NUL in passwords', () => {
    expect(isCleanText('tab\there', { controls: true })).toBe(true);
    expect(isCleanText('nul\u0000', { controls: true })).toBe(false);
  });

  it.each([
    [{ username: 'a\u0000b', password: 'x' }, 'username'],
    [{ username: 'ab\ud83d', password: 'x' }, 'username'],
    [{ username: 'ab', password: 'x\u0000' }, 'password'],
    [{ username: 'ab', password: '\ude00x' }, 'password'],
  ])('refuses %j with VALIDATION on %s, in both languages', (input, field) => {
    const e = domainError(() => checkLoginInput(input));
    expect(e.code).toBe('VALIDATION');
    expect(e.details).toEqual({ field });
    expect(e.localized.zh).toMatch(/不允许的字符/);
    expect(e.localized.en).toMatch(/not allowed/);
  });

  it('lets a password a user could have chosen through', () => {
    expect(() => checkLoginInput({ username: 'admin', password: 'Tab\there 密码😀' })).not.toThrow();
  });

  it('the password policy refuses what login would refuse', () => {
    expect(checkPasswordPolicy('Strong#Pass1\u0000')).toMatchObject({ ok: false, reasons: [{ rule: 'INVALID_CHARACTERS' }] });
    expect(checkPasswordPolicy('Strong#Pass1\ud800')).toMatchObject({ ok: false, reasons: [{ rule: 'INVALID_CHARACTERS' }] });
  });
});
