/** Stable error codes shared by every layer; clients switch on these, never on message text. */
export const DOMAIN_ERROR_CODES = [
  'INVALID_RESIDENT_ID',
  'INVALID_CREDIT_CODE',
  'WEAK_PASSWORD',
  'ACCOUNT_LOCKED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION',
  'CONFLICT',
  'INVALID_TRANSITION',
  'INELIGIBLE',
  'CAPACITY_EXCEEDED',
  'SCHEDULE_CONFLICT',
  /** Four eyes on money: the officer who prepared a step (reviewed a claim, created or submitted a payment batch) may not complete it. */
  'FOUR_EYES',
  /** Too many attempts of one kind by one user in a window (e.g. registrations whose name did not match the ID number). */
  'RATE_LIMITED',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/** A text in both working languages of the platform. */
export interface LocalizedText {
  readonly zh: string;
  readonly en: string;
}

/** Extra facts for the caller, e.g. `{ field: 'idNumber', row: 12 }` for a roster import. */
export type DomainErrorDetails = Readonly<Record<string, unknown>>;

export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly code: DomainErrorCode;
  /** The bilingual message; `message` holds the English text. */
  readonly localized: LocalizedText;
  readonly details: DomainErrorDetails | undefined;

  constructor(code: DomainErrorCode, localized: LocalizedText, details?: DomainErrorDetails) {
    super(localized.en);
    this.code = code;
    this.localized = localized;
    this.details = details;
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

export function isDomainErrorCode(value: string): value is DomainErrorCode {
  return (DOMAIN_ERROR_CODES as readonly string[]).includes(value);
}
