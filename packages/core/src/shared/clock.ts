import { shanghaiDate } from '@vtc/domain';

/**
 * The platform's one clock for business dates: today's calendar date in Asia/Shanghai. Use cases take
 * `today` (or `now`) as a parameter defaulting to this, so tests and rules never read the wall clock
 * anywhere else.
 */
export function today(now: Date = new Date()): string {
  return shanghaiDate(now);
}
