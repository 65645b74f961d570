import { formatSignature, signPayload } from '@vtc/certificates';
import { loadConfig } from '@vtc/config';
import {
  type CertificateSigning,
  certificatePayload,
  certificateSigningFrom,
  type PiiKeys,
  residentIdSealer,
} from '@vtc/core';
import { type PrismaClient, type Tx, transaction } from '@vtc/db';
import { classEndDate, deliveredHours, isoDate } from '@vtc/domain';
import argon2 from 'argon2';
import { ACCOUNT_SEEDS } from './accounts.ts';
import { LABOUR_BRANDS } from './brands.ts';
import { at, day } from './dates.ts';
import { OCCUPATIONS, type OccupationKey } from './occupations.ts';
import { contactPhoneOf, creditCodeOf, ORGANIZATIONS } from './organizations.ts';
import { generatePeople } from './people.ts';
import { SUBSIDY_POLICIES, TARGETS } from './policies.ts';
import { calendarDayRows } from './calendar.ts';
import { seedUuid } from './prng.ts';
import { REGIONS } from './regions.ts';
import { brandId, buildPlan, orgId, personId, userId } from './training.ts';

export { DEMO_ACCOUNTS, type DemoAccount } from './accounts.ts';
export { DEMO_TODAY } from './dates.ts';

export interface SeedOptions {
  /** Password of every demo account (config DEMO_PASSWORD); hashed once with argon2id. */
  demoPassword: string;
  /** Keys that encrypt and hash resident ID numbers (`piiKeysFrom(config)`). */
  piiKeys: PiiKeys;
  /** Signs the demo certificates like real ones, so they verify and download (default: the configured key). */
  signing?: CertificateSigning;
  log?: (line: string) => void;
  /**
   * A production database (config NODE_ENV=production; default: the process's configuration). Then
   * only the reference data is loaded (regions, occupations, the holiday calendar): no demo
   * accounts, no demo people, organisations, classes or certificates, whatever the options say.
   */
  production?: boolean;
}

export interface SeedResult {
  /** False when the demo data was already there (user `admin` exists) or in production; no demo data was written then. */
  created: boolean;
  /** True in production: only the reference data was loaded (or was already there). */
  referenceOnly?: boolean;
  /** Row counts of the seeded tables after the call. */
  counts: Record<string, number>;
}

/** The audit row the demo seed writes; it marks a database that holds demo data (indexed by entity). */
const DEMO_SEED_AUDIT = { entityType: 'DemoSeed', entityId: 'vtc-demo-seed-v1', action: 'demo.seed' } as const;

/** Production configuration on a database that holds the demo data (and its demo accounts). */
export class DemoDataInProductionError extends Error {
  override readonly name = 'DemoDataInProductionError';
  constructor() {
    super(
      'this database holds the demo data and its demo accounts (audit row DemoSeed vtc-demo-seed-v1): it cannot be used with NODE_ENV=production; use a new database',
    );
  }
}

/** The user whose presence means "already seeded". */
export const SEED_MARKER_USERNAME = 'admin';

/** Serialises concurrent seeds of the same database (transaction-scoped advisory lock). */
const SEED_LOCK_KEY = 74_042_031;
const CHUNK = 1_000;
const TRANSACTION_TIMEOUT_MS = 300_000;

async function createChunked<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** Row counts of every table the seed writes. */
export async function countSeededRows(prisma: PrismaClient | Tx): Promise<Record<string, number>> {
  const queries: Array<[string, Promise<number>]> = [
    ['regions', prisma.region.count()],
    ['occupations', prisma.occupation.count()],
    ['organizations', prisma.organization.count()],
    ['organizationOccupations', prisma.organizationOccupation.count()],
    ['labourBrands', prisma.labourBrand.count()],
    ['persons', prisma.person.count()],
    ['users', prisma.user.count()],
    ['roleBindings', prisma.roleBinding.count()],
    ['subsidyPolicies', prisma.subsidyPolicy.count()],
    ['targets', prisma.target.count()],
    ['trainingOrders', prisma.trainingOrder.count()],
    ['trainingClasses', prisma.trainingClass.count()],
    ['enrollments', prisma.enrollment.count()],
    ['attendanceSessions', prisma.attendanceSession.count()],
    ['attendanceRecords', prisma.attendanceRecord.count()],
    ['apprenticeships', prisma.apprenticeship.count()],
    ['assessmentSessions', prisma.assessmentSession.count()],
    ['assessmentResults', prisma.assessmentResult.count()],
    ['certificates', prisma.certificate.count()],
    ['competitions', prisma.competition.count()],
    ['competitionEntries', prisma.competitionEntry.count()],
    ['employmentRecords', prisma.employmentRecord.count()],
    ['socialInsuranceContributions', prisma.socialInsuranceContribution.count()],
    ['serialCounters', prisma.serialCounter.count()],
    ['calendarDays', prisma.calendarDay.count()],
  ];
  // One after another: inside a transaction they share one connection.
  const entries: Array<readonly [string, number]> = [];
  for (const [name, count] of queries) entries.push([name, await count] as const);
  return Object.fromEntries(entries);
}

/**
 * Seeds the demo once. If user `admin` exists it does nothing. Otherwise everything is written in
 * one transaction (under an advisory lock, so two concurrent runs cannot both seed): a crash
 * leaves no partial seed behind. All data is deterministic; only the ID-number ciphertexts
 * differ between runs (AES-GCM with a random IV), their plaintexts and hashes do not.
 */
export async function seedDemo(prisma: PrismaClient, options: SeedOptions): Promise<SeedResult> {
  const log = options.log ?? (() => {});
  if (options.production ?? loadConfig().isProduction) {
    await transaction(
      prisma,
      async (tx) => {
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
        const demo = await tx.auditLog.findFirst({ where: DEMO_SEED_AUDIT, select: { id: true } });
        if (demo) throw new DemoDataInProductionError();
        await seedReferenceData(tx, log);
      },
      { timeoutMs: TRANSACTION_TIMEOUT_MS },
    );
    log('production: reference data only; no demo accounts or demo records');
    return { created: false, referenceOnly: true, counts: await countSeededRows(prisma) };
  }
  const marker = { where: { username: SEED_MARKER_USERNAME }, select: { id: true } } as const;
  if (await prisma.user.findUnique(marker)) {
    log(`demo data already present (user ${SEED_MARKER_USERNAME} exists); nothing to do`);
    return { created: false, counts: await countSeededRows(prisma) };
  }

  // Slow or CPU-bound work before the transaction opens.
  const people = generatePeople();
  const passwordHash = await argon2.hash(options.demoPassword, { type: argon2.argon2id });
  const sealId = residentIdSealer(options.piiKeys);
  const personRows = people.map((p) => ({
    id: personId(p.index),
    name: p.name,
    ...sealId(p.idNumber),
    birthDate: day(p.birthDate),
    sex: p.sex,
    originRegionCode: p.originRegionCode,
    phone: p.phone,
    householdType: p.householdType,
    priorityGroups: p.priorityGroups,
    createdAt: at('2026-03-02', '09:00'),
  }));

  const created = await transaction(
    prisma,
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
      if (await tx.user.findUnique(marker)) return false;

      await seedReferenceData(tx, log);
      const stored = await tx.occupation.findMany({
        where: { code: { in: OCCUPATIONS.map((o) => o.code) } },
        select: { id: true, code: true },
      });
      const idByCode = new Map(stored.map((o) => [o.code, o.id]));
      const occupationId = (key: OccupationKey): string => {
        const code = OCCUPATIONS.find((o) => o.key === key)?.code;
        const id = code === undefined ? undefined : idByCode.get(code);
        if (!id) throw new Error(`seed: occupation ${key} missing`);
        return id;
      };
      await tx.organization.createMany({
        data: ORGANIZATIONS.map((o) => ({
          id: orgId(o.key),
          kind: o.kind,
          name: o.name,
          creditCode: creditCodeOf(o),
          creditCodeCheck: 'VALID' as const,
          regionCode: o.regionCode,
          status: 'ACTIVE' as const,
          address: o.address,
          contactName: o.contactName,
          contactPhone: contactPhoneOf(o),
          evaluationCode: 'evaluationCode' in o ? o.evaluationCode : null,
          createdAt: at('2026-01-05', '09:00'),
        })),
      });
      await tx.labourBrand.createMany({
        data: LABOUR_BRANDS.map((b) => ({
          id: brandId(b.key),
          name: b.name,
          regionCode: b.regionCode,
          level: b.level,
          industry: b.industry,
          description: b.description,
          occupationId: b.occupation ? occupationId(b.occupation) : null,
          recognizedYear: b.recognizedYear,
        })),
      });
      await tx.subsidyPolicy.createMany({
        data: SUBSIDY_POLICIES.map((p) => ({
          id: seedUuid(`policy:${p.code}:${p.version}`),
          code: p.code,
          version: p.version,
          name: p.name,
          regionCode: p.regionCode,
          kind: p.kind,
          effectiveFrom: day(p.effectiveFrom),
          effectiveTo: p.effectiveTo ? day(p.effectiveTo) : null,
          rules: p.rules as object,
          sourceDocument: p.sourceDocument,
          status: 'PUBLISHED' as const,
          createdAt: at('2026-01-05', '09:00'),
        })),
      });
      await tx.target.createMany({
        data: TARGETS.map((t) => ({ id: seedUuid(`target:${t.regionCode}:${t.year}:${t.metric}`), ...t })),
      });
      log(`organizations ${ORGANIZATIONS.length}, brands ${LABOUR_BRANDS.length}, policies ${SUBSIDY_POLICIES.length}`);

      await createChunked(personRows, (data) => tx.person.createMany({ data }));
      log(`persons ${personRows.length}`);

      const plan = buildPlan(people, occupationId);
      const trainee = people[plan.trainee1];
      if (!trainee) throw new Error('seed: trainee1 not found');
      await tx.user.createMany({
        data: ACCOUNT_SEEDS.map((a) => ({
          id: userId(a.username),
          username: a.username,
          displayName: a.trainee ? trainee.name : a.displayName,
          passwordHash,
          personId: a.trainee ? personId(trainee.index) : null,
        })),
      });
      await tx.roleBinding.createMany({
        data: ACCOUNT_SEEDS.map((a) => ({
          id: seedUuid(`binding:${a.username}:${a.role}`),
          userId: userId(a.username),
          role: a.role,
          regionCode: a.regionCode ?? null,
          organizationId: a.organization ? orgId(a.organization) : null,
          personId: a.trainee ? personId(trainee.index) : null,
          canViewIdNumbers: a.canViewIdNumbers ?? false,
        })),
      });
      log(`users ${ACCOUNT_SEEDS.length}`);

      await tx.organizationOccupation.createMany({ data: plan.organizationOccupations });
      await tx.trainingOrder.createMany({ data: plan.trainingOrders });
      await tx.trainingClass.createMany({ data: plan.classes });
      await createChunked(plan.enrollments, (data) => tx.enrollment.createMany({ data }));
      await tx.attendanceSession.createMany({ data: plan.attendanceSessions });
      await createChunked(plan.attendanceRecords, (data) => tx.attendanceRecord.createMany({ data }));
      await tx.apprenticeship.createMany({ data: plan.apprenticeships });
      await tx.assessmentSession.createMany({ data: plan.assessmentSessions });
      await tx.assessmentResult.createMany({ data: plan.assessmentResults });
      await tx.certificate.createMany({ data: plan.certificates });
      await signSeededCertificates(tx, options.signing ?? certificateSigningFrom(loadConfig()));
      await tx.competition.createMany({ data: plan.competitions });
      await tx.competitionEntry.createMany({ data: plan.competitionEntries });
      await tx.employmentRecord.createMany({ data: plan.employmentRecords });
      await createChunked(plan.contributions, (data) => tx.socialInsuranceContribution.createMany({ data }));
      await tx.serialCounter.createMany({ data: plan.serialCounters, skipDuplicates: true });
      log(
        `classes ${plan.classes.length}, enrollments ${plan.enrollments.length}, attendance ${plan.attendanceRecords.length}, certificates ${plan.certificates.length}`,
      );

      await tx.auditLog.create({
        data: {
          actorRole: 'SYSTEM',
          ...DEMO_SEED_AUDIT,
          after: { persons: personRows.length, classes: plan.classes.length, users: ACCOUNT_SEEDS.length },
        },
      });
      return true;
    },
    { timeoutMs: TRANSACTION_TIMEOUT_MS },
  );

  if (!created) log(`demo data already present (user ${SEED_MARKER_USERNAME} exists); nothing to do`);
  return { created, counts: await countSeededRows(prisma) };
}

/**
 * The reference data every installation needs, demo or not: regions, occupations and the holiday
 * calendar. Rows that exist already (e.g. loaded by an operator) are kept, so it can run again.
 */
async function seedReferenceData(tx: Tx, log: (line: string) => void): Promise<void> {
  await tx.region.createMany({ data: [...REGIONS], skipDuplicates: true });
  await tx.occupation.createMany({
    data: OCCUPATIONS.map((o) => ({
      id: seedUuid(`occupation:${o.key}`),
      code: o.code,
      name: o.name,
      subsidyTier: o.subsidyTier,
      levels: [...o.levels],
      specialAbility: o.specialAbility,
    })),
    skipDuplicates: true,
  });
  await tx.calendarDay.createMany({ data: calendarDayRows(), skipDuplicates: true });
  log(`regions ${REGIONS.length}, occupations ${OCCUPATIONS.length}, holiday calendar`);
}

/** One line for logs: `persons 307, trainingClasses 18, …`. */
export function summarizeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
}

/** Give every seeded certificate its printed payload and signature, exactly as issuing does. */
async function signSeededCertificates(tx: Tx, signing: CertificateSigning): Promise<void> {
  const certs = await tx.certificate.findMany({
    where: { signature: null },
    include: { person: true, issuer: true, occupation: true, enrollment: { include: { class: true } } },
  });
  for (const c of certs) {
    if (!c.occupation) continue;
    const issuedOn = isoDate(c.issuedOn);
    const k = c.enrollment?.class;
    const signed = signPayload(
      certificatePayload(c.number, {
        kind: c.kind,
        person: c.person,
        issuer: c.issuer,
        occupation: c.occupation,
        level: c.level,
        issuedOn,
        regionCode: c.issuer.regionCode,
        ...(c.kind === 'TRAINING_COMPLETION' && k
          ? {
              extra: {
                classCode: k.code,
                className: k.name,
                // As completion prints them: the hours delivered (at most the planned ones), the class's end by the closing day.
                trainingHours: k.deliveredMinutes === null ? k.plannedHours : deliveredHours(k.plannedHours, k.deliveredMinutes).countedHours,
                trainingStartOn: isoDate(k.startDate),
                trainingEndOn: classEndDate(isoDate(k.endDate), issuedOn),
              },
            }
          : {}),
      }),
      signing,
    );
    await tx.certificate.update({
      where: { id: c.id },
      data: { signature: formatSignature(signed.signature), signatureKeyId: signing.keyId, signedPayload: signed.payload as object },
    });
  }
}
