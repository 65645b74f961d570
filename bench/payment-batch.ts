import { randomUUID } from 'node:crypto';
import { type Actor, addClaimsToBatch, confirmPaymentBatchPaid, createPaymentBatch, MAX_CLAIMS_PER_ADD, submitPaymentBatch } from '@vtc/core';
import { createPrisma } from '@vtc/db';
import { createTestDatabase } from '@vtc/db/testing';
import type { Bench } from './index.ts';
import { countStatements } from './statements.ts';

/**
 * npm run bench -- payment-batch [--claims=500] [--lines=20]
 *
 * A city bureau pays `claims` APPROVED training claims of `lines` persons each (1,900 yuan a line,
 * Linfen tier 2 LEVEL_4) in one payment batch through the real use cases: add (500 claims per call),
 * submit, confirm paid (every payment CONFIRMED, one payment journal per claim with a posting per
 * line, every claim PAID, in one transaction). The claims, lines and their approval journals are
 * inserted with set-based SQL beforehand. Reports seconds and SQL statements (counted at the
 * driver, BEGIN/COMMIT included) for adding and for confirming, and the ledger rows posted.
 */
export const paymentBatch: Bench = async (opts) => {
  const claims = Number(opts.claims ?? 500);
  const lines = Number(opts.lines ?? 20);
  const db = await createTestDatabase('bench_payment_batch');
  const prisma = createPrisma(db.url, { max: 4 });
  try {
    await prisma.region.createMany({
      data: [
        { code: '140000', name: '山西省', level: 'PROVINCE' },
        { code: '141000', name: '临汾市', level: 'CITY', parentCode: '140000' },
        { code: '141002', name: '尧都区', level: 'COUNTY', parentCode: '141000' },
      ],
    });
    const inst = await prisma.organization.create({ data: { name: '尧都区培训学校', kind: 'TRAINING_INSTITUTION', regionCode: '141002', creditCode: '52141002MJ0000001A' } });
    const policy = await prisma.subsidyPolicy.create({
      data: { code: 'LF-TRAINING', version: 1, name: 'LF', regionCode: '141000', kind: 'TRAINING', effectiveFrom: new Date('2022-07-01T00:00:00Z'), rules: {}, status: 'PUBLISHED' },
    });
    await prisma.$executeRawUnsafe(
      `INSERT INTO "Person" (id, name, "idNumberCipher", "idNumberHash", "idNumberMasked", "birthDate", sex, "originRegionCode", "priorityGroups", "updatedAt")
       SELECT gen_random_uuid(), 'P' || g, 'x', md5('a' || g) || md5('b' || g), '141002********' || lpad((g % 10000)::text, 4, '0'), date '1990-01-01', 'MALE', '141002', '{}', now()
       FROM generate_series(1, ${claims * lines}) g`,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO "SubsidyClaim" (id, number, "claimantId", "regionCode", "policyId", kind, "claimKind", "basisRef", computation, status, "totalFen", "approvedFen", "updatedAt")
       SELECT gen_random_uuid(), 'BT-141002-2026-' || lpad(k::text, 6, '0'), $1::uuid, '141002', $2::uuid, 'TRAINING', 'TRAINING', 'bench:' || k, '{}', 'APPROVED', ${lines * 190_000}, ${lines * 190_000}, now()
       FROM generate_series(1, ${claims}) k`,
      inst.id,
      policy.id,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO "SubsidyClaimLine" (id, "claimId", "personId", kind, part, "basisRef", "amountFen", "subsidyYear", "countsTowardLimit", "dedupKey", status, explanation)
       SELECT gen_random_uuid(), c.id, p.id, 'TRAINING', 'MAIN', c."basisRef", 190000, 2026, false, 'bench:' || p.name, 'ACCEPTED', '{}'
       FROM "Person" p JOIN "SubsidyClaim" c ON c."basisRef" = 'bench:' || ((substring(p.name from 2)::int - 1) / ${lines} + 1)`,
    );
    // The approval journals closing the notices posted: one journal per claim, a pair of postings per line.
    await prisma.$executeRawUnsafe(
      `INSERT INTO "LedgerEntry" ("journalId", account, direction, "amountFen", "claimId", "personId", "claimLineId", memo)
       SELECT l."claimId", a.account, a.direction::"LedgerDirection", l."amountFen", l."claimId", l."personId", l.id, 'bench approval'
       FROM "SubsidyClaimLine" l CROSS JOIN (VALUES ('subsidy-expense:141002', 'DEBIT'), ('payable:org:' || $1::text, 'CREDIT')) a(account, direction)`,
      inst.id,
    );
    await prisma.$executeRawUnsafe('ANALYZE');
    const city: Actor = {
      userId: randomUUID(),
      username: 'linfen.bureau',
      sessionId: null,
      roles: [{ role: 'BUREAU_OFFICER', regionCode: '141000', organizationId: null, personId: null, canViewIdNumbers: false }],
    };
    // Four eyes on money: another city officer confirms the batch paid.
    const cityPayer: Actor = { ...city, userId: randomUUID(), username: 'linfen.payer' };
    const ids = (await prisma.subsidyClaim.findMany({ select: { id: true }, orderBy: { number: 'asc' } })).map((c) => c.id);
    const batch = await createPaymentBatch(prisma, city);

    const c1 = countStatements();
    const t1 = performance.now();
    for (let i = 0; i < ids.length; i += MAX_CLAIMS_PER_ADD) await addClaimsToBatch(prisma, city, { batchId: batch.id, claimIds: ids.slice(i, i + MAX_CLAIMS_PER_ADD) });
    const addSeconds = (performance.now() - t1) / 1000;
    c1.stop();
    await submitPaymentBatch(prisma, city, { batchId: batch.id });

    const before = await prisma.ledgerEntry.count();
    const c2 = countStatements();
    const t2 = performance.now();
    const paid = await confirmPaymentBatchPaid(prisma, cityPayer, { batchId: batch.id, bankReference: 'ICBC-BENCH-0001' });
    const confirmSeconds = (performance.now() - t2) / 1000;
    c2.stop();
    const posted = (await prisma.ledgerEntry.count()) - before;
    const paidClaims = await prisma.subsidyClaim.count({ where: { status: 'PAID' } });
    if (paid.status !== 'PAID' || paidClaims !== claims || paid.claimCount !== claims) throw new Error(`batch ${paid.status}: ${paidClaims}/${claims} claims paid`);
    const unbalanced = await prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
      `SELECT count(*) AS n FROM (SELECT "journalId" FROM "LedgerEntry" GROUP BY "journalId" HAVING sum(CASE WHEN direction = 'DEBIT' THEN "amountFen" ELSE -"amountFen" END) <> 0) j`,
    );
    if (Number(unbalanced[0]!.n) !== 0) throw new Error('unbalanced journals');
    return {
      claims,
      lines_per_claim: lines,
      total_yuan: Number(paid.totalFen) / 100,
      add_seconds: addSeconds.toFixed(2),
      add_statements: c1.n,
      confirm_seconds: confirmSeconds.toFixed(2),
      confirm_statements: c2.n,
      ledger_rows_posted: posted,
    };
  } finally {
    await prisma.$disconnect();
    await db.drop();
  }
};
