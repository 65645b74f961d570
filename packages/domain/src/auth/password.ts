/** Password policy (and the former account lockout): pure rules, the caller supplies the clock. */
import { isCleanText } from './login';

export type PasswordRule = 'MIN_LENGTH' | 'MAX_LENGTH' | 'CHARACTER_CLASSES' | 'CONTAINS_USERNAME' | 'INVALID_CHARACTERS';

export interface PasswordReason {
  rule: PasswordRule;
  zh: string;
  en: string;
}

export type PasswordCheck = { ok: true } | { ok: false; reasons: PasswordReason[] };

export const PASSWORD_POLICY = {
  minLength: 8,
  maxLength: 128,
  minClasses: 3,
  /** Usernames shorter than this are not searched for (they would forbid too much). */
  minUsernameLength: 3,
} as const;

const CLASSES: readonly RegExp[] = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];

/**
 * 8–128 characters (Unicode code points), at least 3 of: lower-case, upper-case, digit,
 * symbol (anything else); must not contain the username (case-insensitive), a NUL or an unpaired
 * surrogate (which login refuses: see `checkLoginInput`).
 */
export function checkPasswordPolicy(
  password: string,
  options: { username?: string } = {},
): PasswordCheck {
  const reasons: PasswordReason[] = [];
  const length = [...password].length;
  if (length < PASSWORD_POLICY.minLength) {
    reasons.push({ rule: 'MIN_LENGTH', zh: '密码至少需要8个字符', en: 'The password must have at least 8 characters' });
  }
  if (length > PASSWORD_POLICY.maxLength) {
    reasons.push({ rule: 'MAX_LENGTH', zh: '密码不能超过128个字符', en: 'The password must have at most 128 characters' });
  }
  if (CLASSES.filter((pattern) => pattern.test(password)).length < PASSWORD_POLICY.minClasses) {
    reasons.push({
      rule: 'CHARACTER_CLASSES',
      zh: '密码需包含小写字母、大写字母、数字、符号中的至少3类',
      en: 'The password must mix at least 3 of: lower-case letters, upper-case letters, digits, symbols',
    });
  }
  const username = options.username?.trim().toLowerCase() ?? '';
  if (username.length >= PASSWORD_POLICY.minUsernameLength && password.toLowerCase().includes(username)) {
    reasons.push({ rule: 'CONTAINS_USERNAME', zh: '密码不能包含用户名', en: 'The password must not contain the username' });
  }
  if (!isCleanText(password, { controls: true })) {
    reasons.push({
      rule: 'INVALID_CHARACTERS',
      zh: '密码不能包含空字符或不成对的代理项',
      en: 'The password must not contain a NUL character or an unpaired surrogate',
    });
  }
  return reasons.length === 0 ? { ok: true } : { ok: false, reasons };
}

/**
 * @deprecated Login no longer locks accounts (a stranger could lock out any user): it throttles
 * per client and account, see `LOGIN_THROTTLE` in ./login.ts. Kept, with `nextLoginState` and
 * `isLocked`, until the unused User.failedLoginCount and User.lockedUntil columns are dropped.
 */
export const LOCKOUT = { maxFailures: 5, lockMinutes: 15 } as const;

export interface LoginState {
  /** Consecutive failures since the last success or lock. */
  failedCount: number;
  lockedUntil: Date | null;
}

export type LoginEvent = 'FAILURE' | 'SUCCESS';

export const INITIAL_LOGIN_STATE: LoginState = { failedCount: 0, lockedUntil: null };

export function isLocked(state: LoginState, now: Date): boolean {
  return state.lockedUntil !== null && now.getTime() < state.lockedUntil.getTime();
}

/**
 * The 5th consecutive failure locks the account for 15 minutes and resets the count; a success
 * resets everything. While locked, events change nothing: the caller must refuse the attempt
 * without checking the password (so a correct password cannot end a lock early).
 */
export function nextLoginState(state: LoginState, event: LoginEvent, now: Date): LoginState {
  if (isLocked(state, now)) return state;
  if (event === 'SUCCESS') return { failedCount: 0, lockedUntil: null };
  const failedCount = state.failedCount + 1;
  if (failedCount >= LOCKOUT.maxFailures) {
    return { failedCount: 0, lockedUntil: new Date(now.getTime() + LOCKOUT.lockMinutes * 60_000) };
  }
  return { failedCount, lockedUntil: null };
}
