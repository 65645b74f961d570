/**
 * Login throttling and login input: pure rules. The counts come from a shared store (Redis in the
 * API); the store counts an attempt before the password is checked, so parallel attempts all count.
 *
 * A failed login slows down the client that failed, not the account: a stranger's wrong passwords
 * use up the stranger's allowance on that account, and the real user, from another client, still
 * logs in with the right password.
 */
import { DomainError } from '../shared/errors';

export const LOGIN_THROTTLE = {
  /**
   * Every counter window lasts this long from its first attempt and is never extended: attempts
   * made while a client is out of allowance count, but do not move the window's end.
   */
  windowMinutes: 15,
  /** Attempts one client may make on one account in a window; a successful login clears them. */
  attemptsPerClient: 5,
  /**
   * When one account has had more attempts than this from all clients together in a window, it is
   * under attack (many clients, e.g. a botnet), and each client gets `attemptsPerClientUnderAttack`.
   */
  accountAlertAttempts: 50,
  /** A client's allowance on an account under attack: one try, so the real user still gets in. */
  attemptsPerClientUnderAttack: 1,
} as const;

export interface LoginAttemptCounts {
  /** Attempts of this client on this account in the client window, this one included. */
  client: number;
  /** Attempts of every client on this account in the account window, this one included. */
  account: number;
}

/** How many attempts a client may make on an account in one window, given the account's traffic. */
export function loginAllowance(accountAttempts: number): number {
  return accountAttempts > LOGIN_THROTTLE.accountAlertAttempts
    ? LOGIN_THROTTLE.attemptsPerClientUnderAttack
    : LOGIN_THROTTLE.attemptsPerClient;
}

/** Whether this attempt may log in (if the password is right): the client has allowance left. */
export function loginAllowed(counts: LoginAttemptCounts): boolean {
  return counts.client <= loginAllowance(counts.account);
}

/**
 * The key a client is counted under. IPv4 addresses as they are; IPv6 addresses by their /64
 * prefix, since one subscriber usually holds a whole /64 and could otherwise take a fresh address
 * for every attempt. An IPv4-mapped IPv6 address (::ffff:1.2.3.4) is its IPv4 address.
 */
export function clientKeyOf(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const groups = expandIpv6(ip.split('%')[0]!);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip;
}

function expandIpv6(ip: string): string[] | null {
  const halves = ip.toLowerCase().split('::');
  if (halves.length > 2) return null;
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  // An embedded IPv4 tail (::1.2.3.4) takes two groups; it never reaches the /64 prefix we keep.
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const missing = 8 - width(head) - width(tail);
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g) || /^\d{1,3}(\.\d{1,3}){3}$/.test(g))) return null;
  return groups.map((g) => (g.includes('.') ? g : g.replace(/^0+(?=.)/, '')));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001F\u007F]/;

/**
 * Whether a text can be stored and compared as it was meant: no NUL (PostgreSQL refuses it in
 * text), no unpaired UTF-16 surrogate (it would turn into U+FFFD on the way to UTF-8, so two
 * different inputs would become the same), and, unless `controls` allows them, no other control
 * characters.
 */
export function isCleanText(value: string, options: { controls?: boolean } = {}): boolean {
  if (value.includes('\u0000') || LONE_SURROGATE.test(value)) return false;
  return options.controls === true || !CONTROL.test(value);
}

const FIELD_NAMES: Record<string, string> = {
  username: '用户名',
  password: '密码',
  displayName: '显示名称',
};

/** The VALIDATION error for a text that `isCleanText` refuses, naming the field. */
export function uncleanTextError(field: string): DomainError {
  const zh = FIELD_NAMES[field] ?? field;
  return new DomainError(
    'VALIDATION',
    {
      zh: `${zh}含有不允许的字符(空字符、控制字符或不成对的代理项)`,
      en: `The ${field} contains a character that is not allowed (NUL, a control character or an unpaired surrogate)`,
    },
    { field },
  );
}

/**
 * Login input as it arrives: refused with VALIDATION naming the field if the username has a NUL,
 * a control character or an unpaired surrogate, or the password a NUL or an unpaired surrogate
 * (other characters are allowed in passwords).
 */
export function checkLoginInput(input: { username: string; password: string }): void {
  if (!isCleanText(input.username)) throw uncleanTextError('username');
  if (!isCleanText(input.password, { controls: true })) throw uncleanTextError('password');
}
