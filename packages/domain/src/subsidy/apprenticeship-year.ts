import { addDays, addMonthsClamped } from './dates';
import type { ApprenticeshipFacts } from './facts';

/**
 * The years of an apprenticeship (企业新型学徒制): year n runs from the start plus (n−1) years
 * (the day clamped to the month's end, so 29 February starts the next year on 28 February) to the
 * day before the next anniversary, cut at the apprenticeship's end.
 */

/** An apprenticeship as recorded: dates 'YYYY-MM-DD'; status DRAFT, ACTIVE, COMPLETED or TERMINATED. */
export interface ApprenticeshipRecord {
  id: string;
  occupationCode: string;
  targetLevel: string;
  startDate: string;
  /** The planned end, or the day a TERMINATED apprenticeship ended. */
  endDate: string;
  status: string;
}

/** The `years`-th anniversary of `startDate`. */
export function apprenticeshipAnniversary(startDate: string, years: number): string {
  return addMonthsClamped(startDate, years * 12);
}

/** The last day of a term of `years` years from `startDate` (the day before its anniversary). */
export function apprenticeshipTermEnd(startDate: string, years: number): string {
  return addDays(apprenticeshipAnniversary(startDate, years), -1);
}

/**
 * The facts of year `yearIndex` of an apprenticeship as of `filedOn`, or null when the
 * apprenticeship ends before that year starts. A TERMINATED apprenticeship ended on its endDate:
 * the year is TERMINATED when that falls inside it, COMPLETED when after it. An ACTIVE
 * apprenticeship's year is COMPLETED once its last day has passed.
 */
export function apprenticeshipYearFacts(a: ApprenticeshipRecord, yearIndex: number, filedOn: string): ApprenticeshipFacts | null {
  const start = a.startDate;
  const end = a.endDate;
  const yearStartsOn = apprenticeshipAnniversary(start, yearIndex - 1);
  if (yearStartsOn > end) return null;
  const fullEnd = apprenticeshipTermEnd(start, yearIndex);
  const yearEndsOn = fullEnd < end ? fullEnd : end;
  let status: ApprenticeshipFacts['status'];
  let endedOn: string | null = null;
  if (a.status === 'TERMINATED') {
    if (end > yearEndsOn || (end === yearEndsOn && end === fullEnd)) status = 'COMPLETED';
    else {
      status = 'TERMINATED';
      endedOn = end;
    }
  } else if (a.status === 'COMPLETED') status = 'COMPLETED';
  else status = filedOn > yearEndsOn ? 'COMPLETED' : 'IN_PROGRESS';
  return {
    apprenticeshipId: a.id,
    occupationCode: a.occupationCode,
    targetLevel: a.targetLevel as ApprenticeshipFacts['targetLevel'],
    yearIndex,
    yearStartsOn,
    yearEndsOn,
    status,
    endedOn,
  };
}
