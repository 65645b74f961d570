import { assertNotFuture } from '../shared/calendar-date';
import { DomainError } from '../shared/errors';

/** Scores are recorded on or after the assessment's scheduled date, never ahead of it. */
export function assertResultsRecordable(scheduledOn: string, today: string): void {
  if (today < scheduledOn) {
    throw new DomainError(
      'VALIDATION',
      {
        zh: `考核安排在${scheduledOn},今天${today}还不能录入成绩`,
        en: `The assessment is scheduled on ${scheduledOn}; results cannot be recorded before it (today is ${today})`,
      },
      { field: 'scheduledOn', scheduledOn, today },
    );
  }
}

/**
 * A certificate carries the date its session closed: today, which is on or after the assessment.
 * A requested issue date is refused when it is in the future, before the assessment, or backdated.
 */
export function assessmentIssueDate(requested: string | null | undefined, scheduledOn: string, today: string): string {
  const issuedOn = requested ?? today;
  assertNotFuture(issuedOn, today, 'issuedOn', { zh: '发证日期', en: 'The issue date' });
  if (issuedOn < scheduledOn) {
    throw new DomainError(
      'VALIDATION',
      { zh: `发证日期${issuedOn}早于考核日期${scheduledOn}`, en: `The issue date ${issuedOn} is before the assessment date ${scheduledOn}` },
      { field: 'issuedOn', issuedOn, scheduledOn },
    );
  }
  if (issuedOn !== today) {
    throw new DomainError(
      'VALIDATION',
      {
        zh: `证书日期为考核场次的结束日期(今天${today}),不能填写${issuedOn}`,
        en: `A certificate carries the day its session is closed (today, ${today}), not ${issuedOn}`,
      },
      { field: 'issuedOn', issuedOn, today },
    );
  }
  return issuedOn;
}
