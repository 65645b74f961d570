import { DomainError } from '../shared/errors';
import type { SkillLevel } from '../certificate/skill-level';

/**
 * Business keys the database makes unique, so that a second payment is impossible even when two
 * requests or workers race:
 *
 *   dedupKey  = scheme | person | occupation | level | basis | slot
 *
 * - Schemes that pay per level (TRAINING, CERTIFICATE, ENTERPRISE_SELF_EVALUATION, SKILL_UPGRADE)
 *   with "same occupation and level once" share the scheme part `OCCUPATION_LEVEL` and basis `*`:
 *   one live line per person, occupation and level across all of them, whatever the class or session.
 * - Other schemes key on their basis (class:…, batch:…, apprenticeship:…:year:N) and a slot:
 *   MAIN, EMPLOYMENT_UPLIFT, or for apprenticeships GRANT (pre-payment or full amount) and
 *   SETTLEMENT (balance or claw-back).
 * A missing occupation or level is written "-".
 *
 *   limitKey  = LIMIT | person | year          (lock it while counting the person's subsidies of a year)
 *   limitSlotKey = LIMIT | person | year | n   (unique: the n-th subsidy of that year, n ≤ the yearly maximum)
 */

export const OCCUPATION_LEVEL_SCHEME = 'OCCUPATION_LEVEL';
export const ANY_BASIS = '*';
export const KEY_SEPARATOR = '|';

function part(value: string, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes(KEY_SEPARATOR)) {
    throw new DomainError(
      'VALIDATION',
      { zh: `${field}不能为空,也不能包含“|”`, en: `${field} must be non-empty and must not contain "|"` },
      { field },
    );
  }
  return value;
}

export interface DedupKeyParts {
  /** A policy kind, or OCCUPATION_LEVEL for the shared per-level key. */
  scheme: string;
  personId: string;
  occupationCode: string | null;
  level: SkillLevel | null;
  /** e.g. "class:<id>", or "*" for the shared per-level key. */
  basis: string;
  slot: string;
}

export function dedupKey(p: DedupKeyParts): string {
  return [
    part(p.scheme, 'scheme'),
    part(p.personId, 'personId'),
    p.occupationCode === null ? '-' : part(p.occupationCode, 'occupationCode'),
    p.level ?? '-',
    part(p.basis, 'basis'),
    part(p.slot, 'slot'),
  ].join(KEY_SEPARATOR);
}

/** The key under which a person's subsidies of one calendar year are counted (and locked while counting). */
export function limitKey(personId: string, subsidyYear: number): string {
  if (!Number.isInteger(subsidyYear) || subsidyYear < 1000 || subsidyYear > 9999) {
    throw new RangeError(`subsidy year ${subsidyYear} is not a 4-digit year`);
  }
  return ['LIMIT', part(personId, 'personId'), String(subsidyYear)].join(KEY_SEPARATOR);
}

/** The unique key of the n-th counted subsidy of a person's year. */
export function limitSlotKey(personId: string, subsidyYear: number, slot: number): string {
  if (!Number.isInteger(slot) || slot < 1) throw new RangeError(`limit slot ${slot} must be a positive whole number`);
  return `${limitKey(personId, subsidyYear)}${KEY_SEPARATOR}${slot}`;
}
