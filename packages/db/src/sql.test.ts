import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from './client.ts';
import { isUniqueViolation, isUuid, lockRow, lockRows } from './sql.ts';
import { createTestDatabase, type TestDatabase } from './testing.ts';

describe('isUuid', () => {
  it.each<[unknown, boolean]>([
    ['0190a6f1-7c3e-7a1b-8c2d-1234567890ab', true],
    ['0190A6F1-7C3E-7A1B-8C2D-1234567890AB', true],
    ['00000000-0000-0000-0000-000000000000', true],
    ['0190a6f1-7c3e-7a1b-8c2d-1234567890a', false],
    ['0190a6f17c3e7a1b8c2d1234567890ab', false],
    ['0190a6f1-7c3e-7a1b-8c2d-1234567890ag', false],
    [' 0190a6f1-7c3e-7a1b-8c2d-1234567890ab', false],
    ['0190a6f1-7c3e-7a1b-8c2d-1234567890ab\n', false],
    ['__proto__', false],
    ['', false],
    [null, false],
    [42, false],
  ])('%p → %s', (value, expected) => {
    expect(isUuid(value)).toBe(expected);
  });
});

describe('isUniqueViolation', () => {
  const cyclic: { code: string; cause?: unknown } = { code: 'X' };
  cyclic.cause = cyclic;
  it.each<[string, unknown, boolean]>([
    ['Prisma P2002', { code: 'P2002' }, true],
    ['node-postgres 23505', { code: '23505' }, true],
    ['driver adapter message', new Error('duplicate key value violates unique constraint "x"'), true],
    ['nested cause', new Error('wrapped', { cause: { code: '23505' } }), true],
    ['foreign key 23503', { code: '23503' }, false],
    ['Prisma P2025', { code: 'P2025' }, false],
    ['plain error', new Error('boom'), false],
    ['cyclic cause', cyclic, false],
    ['null', null, false],
    ['string', '23505', false],
  ])('%s → %s', (_label, err, expected) => {
    expect(isUniqueViolation(err)).toBe(expected);
  });

  it('recognises a real unique violation from PostgreSQL through Prisma', async () => {
    const data = { code: '990000', name: '测试省', level: 'PROVINCE' as const };
    await prisma.region.create({ data });
    const err = await prisma.region.create({ data }).catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
  });
});

let db: TestDatabase;
let prisma: PrismaClient;
beforeAll(async () => {
  db = await createTestDatabase('sql');
  prisma = createPrisma(db.url, { max: 2 });
});
afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

describe('row locks', () => {
  it('lockRow answers whether the row exists; lockRows returns the ids found', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    await prisma.$transaction(async (tx) => {
      expect(await lockRow(tx as never, 'TrainingClass', missing)).toBe(false);
      expect(await lockRows(tx as never, 'SubsidyClaim', [])).toEqual([]);
      expect(await lockRows(tx as never, 'SubsidyClaim', [missing])).toEqual([]);
    });
  });
});
