import { describe, expect, it } from '@jest/globals';

/** The banner `npm start` prints once the API is ready (scripts/lib/demo.mjs). */
type Banner = (options: { port: number; pids: Record<string, number>; detached: boolean; production?: boolean }) => string;
const modulePath: string = './demo.mjs';
const { banner, DEMO_ACCOUNTS } = (await import(modulePath)) as { banner: Banner; DEMO_ACCOUNTS: Array<[string, string]> };
const pids = { api: 101, worker: 102 };

describe('npm start banner', () => {
  it('lists the demo logins and their password in development', () => {
    const text = banner({ port: 4000, pids, detached: false, production: false });
    for (const [user] of DEMO_ACCOUNTS) expect(text).toContain(user);
    expect(text).toContain('password');
    expect(text).toContain('login(input');
  });

  it('lists no demo login and no password in production', () => {
    const text = banner({ port: 4000, pids, detached: true, production: true });
    expect(text).toContain('no demo accounts');
    expect(text).not.toMatch(/password/i);
    expect(text).not.toContain('login(input');
    for (const [user] of DEMO_ACCOUNTS) expect(text).not.toContain(user);
    expect(text).toContain('http://localhost:4000/graphql');
  });
});
