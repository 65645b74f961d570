import { isHigherLevel, SKILL_LEVEL_INFO, type SkillLevel } from '../certificate/skill-level';
import type { HeldCertificate, HistoryLine, HistoryLineStatus, Refusal } from './facts';
import { type ExclusionScope, POLICY_KIND_NAMES, type PolicyKind, paysPerLevel, type SchemeExclusion } from './rules';

/**
 * Limits across all schemes, per person, judged against the person's earlier lines (history) in
 * any claim, region or scheme. A REJECTED line is dead; PENDING, ACCEPTED and PAID lines all count,
 * so two claims for one person cannot both get through review.
 * - the same dedup key is paid once;
 * - the same occupation and level is paid once across the schemes that pay per level;
 * - a higher level of the same occupation already held (certificate issued on or before the
 *   reference date) or already subsidised bars the lower level;
 * - named mutual exclusions between schemes (policy data);
 * - at most N counted subsidies per calendar year, whoever receives the money.
 */

export interface LimitSubject {
  personId: string;
  scheme: PolicyKind;
  occupationCode: string | null;
  level: SkillLevel | null;
  subsidyYear: number;
  dedupKey: string;
  /** Certificates held count when issued on or before this date (the certificate's issue date or the training start). */
  levelReferenceDate: string;
}

export function isLive(line: Pick<HistoryLine, 'status'>): boolean {
  return line.status !== 'REJECTED';
}

const STATUS_TEXT: Readonly<Record<HistoryLineStatus, { zh: string; en: string }>> = {
  PENDING: { zh: '待审核', en: 'pending' },
  ACCEPTED: { zh: '已核准', en: 'approved' },
  PAID: { zh: '已支付', en: 'paid' },
  REJECTED: { zh: '已驳回', en: 'rejected' },
};

function levelText(level: SkillLevel | null): { zh: string; en: string } {
  if (level === null) return { zh: '', en: '' };
  const info = SKILL_LEVEL_INFO[level];
  return { zh: `${info.zh}(${level})`, en: `${info.en} (${level})` };
}

function describe(line: HistoryLine): { zh: string; en: string } {
  const name = POLICY_KIND_NAMES[line.scheme];
  const level = levelText(line.level);
  const occ = line.occupationCode ?? '';
  const status = STATUS_TEXT[line.status];
  return {
    zh: `${line.subsidyYear}年${name.zh}${occ ? ` ${occ}` : ''}${level.zh ? ` ${level.zh}` : ''}(${status.zh})`,
    en: `${line.subsidyYear} ${name.en}${occ ? ` ${occ}` : ''}${level.en ? ` ${level.en}` : ''} (${status.en})`,
  };
}

function ownLive(subject: LimitSubject, history: readonly HistoryLine[]): HistoryLine[] {
  return history.filter((h) => h.personId === subject.personId && isLive(h));
}

/** A live line with the same business key: this exact subsidy is already claimed. */
export function checkDuplicate(subject: LimitSubject, history: readonly HistoryLine[]): Refusal | null {
  const twin = ownLive(subject, history).find((h) => h.dedupKey === subject.dedupKey);
  if (!twin) return null;
  const d = describe(twin);
  return { rule: 'ALREADY_CLAIMED', zh: `该补贴已申领过:${d.zh}`, en: `This subsidy has already been claimed: ${d.en}` };
}

/** A live per-level line of any scheme for the same occupation and level. */
export function checkSameOccupationAndLevel(subject: LimitSubject, history: readonly HistoryLine[]): Refusal | null {
  if (subject.level === null || subject.occupationCode === null) return null;
  const twin = ownLive(subject, history).find(
    (h) => paysPerLevel(h.scheme) && h.occupationCode === subject.occupationCode && h.level === subject.level,
  );
  if (!twin) return null;
  const d = describe(twin);
  return {
    rule: 'SAME_OCCUPATION_AND_LEVEL_PAID',
    zh: `同一职业同一等级只补贴一次,已有:${d.zh}`,
    en: `The same occupation and level is subsidised once; already: ${d.en}`,
  };
}

/** A higher level of the same occupation held by the reference date, or already subsidised. */
export function checkHigherLevel(
  subject: LimitSubject,
  held: readonly HeldCertificate[],
  history: readonly HistoryLine[],
): Refusal | null {
  const { level, occupationCode } = subject;
  if (level === null || occupationCode === null) return null;
  const cert = [...held]
    .filter((c) => c.occupationCode === occupationCode && isHigherLevel(c.level, level) && c.issuedOn <= subject.levelReferenceDate)
    .sort((a, b) => (a.issuedOn < b.issuedOn ? -1 : a.issuedOn > b.issuedOn ? 1 : 0))[0];
  const mine = levelText(level);
  if (cert) {
    const theirs = levelText(cert.level);
    const no = cert.number ? ` ${cert.number}` : '';
    return {
      rule: 'HIGHER_LEVEL_HELD',
      zh: `已于${cert.issuedOn}取得同职业更高等级${theirs.zh}证书${no},不再补贴${mine.zh}`,
      en: `Already holds the higher ${theirs.en} certificate${no} of the same occupation (issued ${cert.issuedOn}); ${mine.en} is not subsidised`,
    };
  }
  const paid = ownLive(subject, history).find(
    (h) => paysPerLevel(h.scheme) && h.occupationCode === occupationCode && h.level !== null && isHigherLevel(h.level, level),
  );
  if (paid) {
    const d = describe(paid);
    return {
      rule: 'HIGHER_LEVEL_HELD',
      zh: `已享受同职业更高等级补贴:${d.zh},不再补贴${mine.zh}`,
      en: `A higher level of the same occupation is already subsidised: ${d.en}; ${mine.en} is not subsidised`,
    };
  }
  return null;
}

function inScope(scope: ExclusionScope, line: HistoryLine, subject: LimitSubject): boolean {
  switch (scope) {
    case 'EVER':
      return true;
    case 'SAME_YEAR':
      return line.subsidyYear === subject.subsidyYear;
    case 'SAME_OCCUPATION_AND_LEVEL':
      return line.occupationCode === subject.occupationCode && line.level === subject.level;
  }
}

/** The first named exclusion (in policy order) the person's live lines trigger. */
export function checkExclusions(
  subject: LimitSubject,
  exclusions: readonly SchemeExclusion[],
  history: readonly HistoryLine[],
): Refusal | null {
  const live = ownLive(subject, history);
  for (const ex of exclusions) {
    const hit = live.find((h) => h.scheme === ex.scheme && inScope(ex.scope, h, subject));
    if (!hit) continue;
    const d = describe(hit);
    const mine = POLICY_KIND_NAMES[subject.scheme];
    const scope = {
      EVER: { zh: '', en: '' },
      SAME_YEAR: { zh: '同一年度', en: ' in the same year' },
      SAME_OCCUPATION_AND_LEVEL: { zh: '同一职业等级', en: ' for the same occupation and level' },
    }[ex.scope];
    return {
      rule: 'MUTUALLY_EXCLUSIVE',
      zh: `${mine.zh}与${POLICY_KIND_NAMES[ex.scheme].zh}${scope.zh}不重复享受,已有:${d.zh}`,
      en: `The ${mine.en} and the ${POLICY_KIND_NAMES[ex.scheme].en} are not paid together${scope.en}; already: ${d.en}`,
    };
  }
  return null;
}

export type YearlyLimitResult = { ok: true; ordinal: number; slot: number } | ({ ok: false } & Refusal);

/**
 * The yearly limit: live counted lines of the subject's subsidy year, every scheme and payee. With
 * fewer than `max`, this line is the next one (ordinal) and takes the lowest free slot 1…max (the
 * database keeps (person, year, slot) unique, so two racing claims cannot both take the last one).
 */
export function checkYearlyLimit(subject: LimitSubject, max: number, history: readonly HistoryLine[]): YearlyLimitResult {
  const counted = ownLive(subject, history).filter((h) => h.countsTowardLimit && h.subsidyYear === subject.subsidyYear);
  if (counted.length >= max) {
    return {
      ok: false,
      rule: 'YEARLY_LIMIT_REACHED',
      zh: `${subject.subsidyYear}年度已有${counted.length}次补贴,每人每年最多${max}次`,
      en: `Already ${counted.length} subsidies in ${subject.subsidyYear}; at most ${max} per person per year`,
    };
  }
  const used = new Set(counted.map((h) => h.limitSlot).filter((s): s is number => typeof s === 'number'));
  let slot = 1;
  while (used.has(slot)) slot += 1;
  return { ok: true, ordinal: counted.length + 1, slot };
}
