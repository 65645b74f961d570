import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configWith } from '@vtc/config';
import { startWorker, type RunningWorker } from '../../worker/src/index.ts';
import { createFixtures, startTestApi, type TestApi } from './testing.ts';

/**
 * The outbox path end to end, through both processes' code: an administrator creates an account over
 * GraphQL; the use case writes an outbox event in its transaction; the worker's relay publishes it to
 * BullMQ; the welcome processor writes a notification; the new user sees it through `viewer`.
 */
let api: TestApi;
let worker: RunningWorker;
beforeAll(async () => {
  api = await startTestApi('outbox_e2e');
  await createFixtures(api.prisma, api.config);
  const config = configWith({
    DATABASE_URL: api.db.url,
    QUEUE_PREFIX: `test-e2e-${randomBytes(4).toString('hex')}`,
    OUTBOX_POLL_MS: '50',
  });
  worker = await startWorker({ config });
});
afterAll(async () => {
  await worker?.stop();
  await api?.stop();
});

describe('outbox → BullMQ → worker → visible result', () => {
  it('a new account finds its welcome notification', async () => {
    const admin = await api.login('admin');
    const created = await api.gql<{ createUser: { __typename: string } }>(
      `mutation { createUser(input: { username: "hongdong.bureau", displayName: "洪洞县人社局", password: "Hongdong#2026",
        role: BUREAU_OFFICER, regionCode: "141002" }) { __typename } }`,
      {},
      admin,
    );
    expect(created.data?.createUser.__typename).toBe('User');
    const token = await api.login('hongdong.bureau', 'Hongdong#2026');
    const deadline = Date.now() + 15_000;
    let kinds: string[] = [];
    while (Date.now() < deadline) {
      const r = await api.gql<{ viewer: { notifications: Array<{ kind: string; title: string }> } }>(
        '{ viewer { notifications { kind title } } }',
        {},
        token,
      );
      kinds = r.data?.viewer.notifications.map((n) => n.kind) ?? [];
      if (kinds.length) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(kinds).toEqual(['WELCOME']);
    const event = await api.prisma.outboxEvent.findFirstOrThrow({ where: { type: 'user.registered' } });
    expect(event.publishedAt).not.toBeNull();
  });
});
