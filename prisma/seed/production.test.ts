import { randomBytes } from 'node:crypto';
import { parseConfig } from '@vtc/config';
import type { PiiKeys } from '@vtc/core';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { DEMO_ACCOUNTS, seedDemo } from './index.ts';

/** The seed under a production configuration: reference data only, never a demo account. */
const TIMEOUT = 120_000;
const key = () => randomBytes(32).toString('base64');
const production = parseConfig({
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://vtc.linfen.gov.cn',
  JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
  ID_ENCRYPTION_KEY: key(),
  ID_HASH_KEY: key(),
  CERT_SIGNING_KEY: key(),
  DEMO_PASSWORD: 'Not-the-default-1',
});
const keys: PiiKeys = { encryptionKey: randomBytes(32), hashKey: randomBytes(32) };

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase('seed_prod');
  prisma = createPrisma(db.url, { max: 2 });
}, TIMEOUT);

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
}, TIMEOUT);

describe('seedDemo with NODE_ENV=production', () => {
  it('creates no demo account and no demo record, only the reference data; twice is harmless', async () => {
    expect(production.isProduction).toBe(true);
    for (let run = 0; run < 2; run++) {
      const result = await seedDemo(prisma, {
        demoPassword: production.DEMO_PASSWORD,
        piiKeys: keys,
        production: production.isProduction,
      });
      expect(result).toMatchObject({ created: false, referenceOnly: true });
      expect(await prisma.user.count({ where: { username: { in: DEMO_ACCOUNTS.map((a) => a.username) } } })).toBe(0);
      expect(await prisma.user.count()).toBe(0);
      expect(await prisma.roleBinding.count()).toBe(0);
      for (const table of ['persons', 'organizations', 'trainingClasses', 'certificates', 'subsidyPolicies']) {
        expect({ table, rows: result.counts[table] }).toEqual({ table, rows: 0 });
      }
      expect(result.counts.regions).toBe(56);
      expect(result.counts.occupations).toBeGreaterThan(0);
      expect(result.counts.calendarDays).toBeGreaterThan(0);
    }
  });
});
