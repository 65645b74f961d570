import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configWith } from '@vtc/config';
import { type Actor, piiKeysFrom, sealResidentId, uploadContributions } from '@vtc/core';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { makeCreditCode, makeResidentId } from '@vtc/domain';
import { CONTRIBUTION_IMPORT_JOB, type JobContext, parsePayload } from '@vtc/jobs';
import { UnrecoverableError } from 'bullmq';
import pino from 'pino';
import { contributionImportHandler } from './handlers/index.ts';

/** The contribution-import handler called directly with a payload: progress reported, file gone → not retried. */
let db: TestDatabase;
let prisma: PrismaClient;
let ctx: JobContext;
const progress: unknown[] = [];
const bureau: Actor = {
  userId: '00000000-0000-4000-8000-000000000001',
  username: 'bayannur.bureau',
  sessionId: null,
  roles: [{ role: 'BUREAU_OFFICER', regionCode: '150800', organizationId: null, personId: null, canViewIdNumbers: false }],
};

beforeAll(async () => {
  db = await createTestDatabase('contribution_job');
  prisma = createPrisma(db.url);
  const config = configWith({ DATABASE_URL: db.url, NODE_ENV: 'test' });
  ctx = {
    prisma,
    config,
    logger: pino({ level: 'silent' }) as never,
    piiKeys: piiKeysFrom(config),
    addFlow: async () => undefined,
    job: { id: 'j1', queue: 'imports', name: 'contribution-import', attemptsMade: 0, dueAt: new Date(), updateProgress: async (p) => void progress.push(p) },
  };
  await prisma.region.create({ data: { code: '150800', name: '巴彦淖尔市', level: 'CITY' } });
  const id = makeResidentId({ regionCode: '150802', birthDate: '1995-03-09', sequence: 368 });
  await prisma.person.create({
    data: {
      name: '王芳',
      ...sealResidentId(ctx.piiKeys, id),
      birthDate: new Date('1995-03-09T00:00:00Z'),
      sex: 'FEMALE',
      originRegionCode: '150802',
    },
  });
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

const file = (n: number) => {
  const id = makeResidentId({ regionCode: '150802', birthDate: '1995-03-09', sequence: 368 });
  const rows = Array.from({ length: n }, (_, i) => `${id},${makeCreditCode({ regionCode: '150802', orgCode9: `MA0Q${String(i).padStart(5, '0')}` })},202609,养老,100,3000`);
  return Buffer.from(['身份证号,单位统一社会信用代码,缴费月份,险种,缴费金额(元)', ...rows].join('\n'));
};

describe('contribution-import handler', () => {
  it('imports the queued file and reports progress', async () => {
    const s = await uploadContributions(prisma, ctx.piiKeys, bureau, { content: file(2500) }, { inlineMaxRows: 10 });
    const payload = parsePayload(CONTRIBUTION_IMPORT_JOB, { importId: s.importId });
    const result = await contributionImportHandler.handle(payload, ctx);
    expect(result).toEqual({ importId: s.importId, status: 'SUCCEEDED', totalRows: 2500, acceptedRows: 2500, unmatchedRows: 0, rejectedRows: 0 });
    expect(progress).toEqual([80, 100]);
  });

  it('a file that is gone fails the job without retries and marks the import FAILED', async () => {
    const s = await uploadContributions(prisma, ctx.piiKeys, bureau, { content: file(20) }, { inlineMaxRows: 10 });
    await prisma.contributionImport.update({ where: { id: s.importId }, data: { content: null } });
    const err = await contributionImportHandler.handle({ importId: s.importId }, ctx).catch((e) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect((await prisma.contributionImport.findUniqueOrThrow({ where: { id: s.importId } })).status).toBe('FAILED');
  });
});
