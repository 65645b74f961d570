import type { LoginCounterStore } from '@vtc/core';
import type { Redis } from 'ioredis';

/**
 * Count one attempt on the client's and the account's counters at once. A counter's expiry is set
 * by its first attempt only, so attempts never extend a window (no sliding lockout) and no counter
 * is ever left without an expiry.
 */
const COUNT_ATTEMPT = `
local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local a = redis.call('INCR', KEYS[2])
if a == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
return {c, a}
`;

/** The Redis keys of one client's and one account's login counters (exported for tests). */
export function loginCounterKeys(prefix: string, account: string, client: string): { client: string; account: string } {
  const a = encodeURIComponent(account);
  return { client: `${prefix}:login:client:${a}:${encodeURIComponent(client)}`, account: `${prefix}:login:account:${a}` };
}

export function redisLoginCounters(redis: Redis, prefix: string): LoginCounterStore {
  return {
    async countAttempt(account, client, windowMs) {
      const keys = loginCounterKeys(prefix, account, client);
      const [c, a] = (await redis.eval(COUNT_ATTEMPT, 2, keys.client, keys.account, windowMs)) as [number, number];
      return { client: c, account: a };
    },
    async clearClient(account, client) {
      await redis.del(loginCounterKeys(prefix, account, client).client);
    },
  };
}
