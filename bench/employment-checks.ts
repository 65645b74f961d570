import { randomBytes } from 'node:crypto';
import { configWith } from '@vtc/config';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { addDays, makeCreditCode, shanghaiDate } from '@vtc/domain';
import { checkChunk, ensureEmploymentChecks, finishCheckRun, planCheckRun } from '@vtc/core';
import { EMPLOYMENT_CHECK_RUN_JOB } from '@vtc/jobs';
import { startWorker } from '@vtc/worker';
import pg from 'pg';
import { SUBSIDY_POLICIES } from '../prisma/seed/policies.ts';
import type { Bench } from './index.ts';

/**
 * npm run bench -- employment-checks [--enrollments=1000000] [--contributions=12000000] [--date=YYYY-MM-DD]
 *   [--mode=direct] [--chunk=N] [--parallel=N] [--keep=true] [--db=<kept database>]
 *
 * The daily employment-check run over every COMPLETED enrollment, beside one SQL statement deciding the
 * same checks. In a fresh database (createTestDatabase('bench_employment')) the data below is generated,
 * then the run goes, by default through the real worker (startWorker in this process, its own queue
 * prefix, one `employment-check-run` job as the scheduler adds it); --mode=direct calls planCheckRun
 * (which ensures the recent checks), checkChunk and finishCheckRun itself, two chunks at a time
 * (ensure_s and plan_s print n/a for the worker, which does not report them apart).
 * Result: seconds (the run), checks (decided by the run), checks_per_s, sql_checks_per_s (the reference
 * statement over the same checks), ratio, jobs (chunk rows = chunk jobs), peak_rss_mb (this process,
 * sampled every 50 ms during the run), agree (reference statuses equal to the run's), generate_s (data
 * generation, not part of the result). --keep=true keeps the database; --db=<name> reuses a kept one
 * (its checks, runs and uplift lines reset; a development aid, not for reported numbers).
 *
 * Before the measured run: the checks every class made when it completed (not timed), and yesterday's
 * run over all of them, the first run, which writes every check's outcome (timed, reported as first_*:
 * first_seconds, first_checks_per_s, first_ratio against the same reference). Then VACUUM ANALYZE and a
 * CHECKPOINT stand for the day between, and today's run is measured: it ensures only the last month's
 * completions, looks at every open check again and writes those whose outcome changed (`written`).
 * --parallel=N runs N chunks at a time in direct mode (default 2).
 * Bench data (synthetic, set-based SQL, timed apart from the result): Bayannur regions, one training
 * institution, three occupations, enrollments/50 COMPLETED classes of 50, one person per enrollment,
 * class completion spread over the 245 days before the run date (so the 3- and 6-month checkpoints of
 * a good share fall due), a published BYN-CLASS-HOUR policy (+50% uplift), an APPROVED CLASS_HOUR claim
 * with ACCEPTED base lines for every 10th class, and `contributions` SocialInsuranceContribution rows.
 * Persons by `i % 10` (i = 1..enrollments):
 *   0, 1  no contributions;
 *   2..5  insured by a new employer from 0–3 months after completion, consecutive months;
 *   6, 7  insured only in the year before training (old employer);
 *   8     old employer for the 2 months before training, new employer from 2–6 months after;
 *   9     new employer only from 5–8 months after completion (late).
 * Rows per contributing person = ceil(contributions / (0.8 × enrollments)), 3 insurance types a month
 * (15 rows = 5 months by default). Months that would lie after the run month become an older employment
 * (14+ months before completion), so no contribution lies in the future and the row count is exact.
 * Employment records for half of persons 2..5 (i/10 even): 2 labour contract 12 months (qualifies),
 * 3 labour contract 6 months (too short), 4 unconfirmed self-report 24 months (not enough alone),
 * 5 employer confirmation (CONFIRMED) 36 months.
 */

/** The URL of another database on the same server as DATABASE_URL. */
function withDatabase(name: string): string {
  const u = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/vtc');
  u.pathname = `/${name}`;
  return u.toString();
}

const log = (msg: string) => process.stderr.write(`[employment-checks] ${msg}\n`);

async function timed<T>(label: string, fn: () => Promise<T>, times: Record<string, number>): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  const s = (performance.now() - t0) / 1000;
  times[label] = s;
  log(`${label}: ${s.toFixed(1)} s`);
  return result;
}

export interface GenerateOptions {
  enrollments: number;
  contributions: number;
  runDate: string;
  /** Days before the run date over which class completions are spread. */
  spanDays?: number;
}

export interface Generated {
  institutionId: string;
  policyId: string;
  seconds: Record<string, number>;
  counts: Record<string, number>;
}

/**
 * Fills an empty, migrated database with the bench data: set-based INSERT … SELECT generate_series on
 * two sessions (the machine has two cores), independent steps side by side. The sessions run with
 * session_replication_role = replica, which skips foreign-key triggers: every reference is built to
 * exist (ids are md5-derived from row numbers), so checking 14 million of them one by one would only
 * time the checks. Secondary indexes of the loaded tables (and SocialInsuranceContribution's primary
 * key) are dropped during the load and rebuilt after, as the migrations define them; VACUUM ANALYZE at
 * the end.
 */
export async function generateEmploymentData(url: string, o: GenerateOptions): Promise<Generated> {
  const n = o.enrollments;
  const m = o.contributions;
  const span = o.spanDays ?? 245;
  if (!Number.isInteger(n) || n % 50 !== 0 || n < 50) throw new Error('--enrollments must be a positive multiple of 50');
  if (!Number.isInteger(m) || m < 0) throw new Error('--contributions must be a whole number');
  const classes = n / 50;
  const contributors = (n / 10) * 8;
  const perPerson = Math.max(1, Math.ceil(m / contributors));
  if (perPerson > 60) throw new Error('too many contributions per person (at most 60 = 20 months × 3 insurance types)');
  const seconds: Record<string, number> = {};
  const sessions = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })] as const;
  const [c] = sessions;
  try {
    for (const s of sessions) {
      await s.connect();
      await s.query(`SET session_replication_role = replica; SET maintenance_work_mem = '1GB'; SET work_mem = '256MB';
                     SET synchronous_commit = off; SET max_parallel_maintenance_workers = 2`);
    }
    /** Two statements at once, one per session. */
    const both = (a: string, b: string) => Promise.all([sessions[0].query(a), sessions[1].query(b)]);
    const rd = `DATE '${o.runDate}'`;
    // Completion date of class k (1-based): 1..span days before the run date, scattered.
    const classDay = (k: string) => `(${rd} - (1 + ((${k})::bigint * 7919) % ${span})::int)`;
    const classOf = (i: string) => `(((${i}) - 1) / 50 + 1)`;
    const monthIdx = (d: string) => `(extract(year FROM ${d})::int * 12 + extract(month FROM ${d})::int - 1)`;

    const base = await timed(
      'base',
      async () => {
        await c.query(`INSERT INTO "Region"(code, name, level, "parentCode") VALUES
          ('150000','内蒙古自治区','PROVINCE',NULL), ('150800','巴彦淖尔市','CITY','150000'),
          ('150802','临河区','COUNTY','150800'), ('150821','五原县','COUNTY','150800'), ('150822','磴口县','COUNTY','150800')`);
        await c.query(`INSERT INTO "Occupation"(id, code, name, "subsidyTier", levels) VALUES
          (md5('o1')::uuid, '4-10-01-05', '养老护理员', 1, '{LEVEL_5,LEVEL_4,LEVEL_3}'),
          (md5('o2')::uuid, '4-03-02-01', '中式烹调师', 2, '{LEVEL_5,LEVEL_4,LEVEL_3}'),
          (md5('o3')::uuid, '6-31-01-03', '电工', 3, '{LEVEL_5,LEVEL_4,LEVEL_3}')`);
        const inst = await c.query<{ id: string }>(
          `INSERT INTO "Organization"(id, kind, name, "creditCode", "regionCode", "updatedAt")
           VALUES (md5('inst')::uuid, 'TRAINING_INSTITUTION', '临河区职业技能培训学校', $1, '150802', now()) RETURNING id`,
          [makeCreditCode({ authority: '5', orgType: '2', regionCode: '150802', orgCode9: 'MJ0000001' })],
        );
        const p = SUBSIDY_POLICIES.find((x) => x.code === 'BYN-CLASS-HOUR');
        if (!p) throw new Error('seed policy BYN-CLASS-HOUR not found');
        const policy = await c.query<{ id: string }>(
          `INSERT INTO "SubsidyPolicy"(id, code, version, name, "regionCode", kind, "effectiveFrom", "effectiveTo", rules, "sourceDocument", status)
           VALUES (md5('policy')::uuid, $1, $2, $3, $4, $5, $6, $7, $8, $9, 'PUBLISHED') RETURNING id`,
          [p.code, p.version, p.name, p.regionCode, p.kind, p.effectiveFrom, p.effectiveTo, JSON.stringify(p.rules), p.sourceDocument],
        );
        // 2,000 employers with valid credit codes, by number; each person's old (E0) and new (E1) one.
        const employers = Array.from({ length: 2000 }, (_, e) =>
          makeCreditCode({ regionCode: ['150802', '150821', '150822'][e % 3] ?? '150802', orgCode9: `MA${String(e).padStart(7, '0')}` }),
        );
        await c.query('CREATE TABLE bench_employer (n int PRIMARY KEY, code char(18) NOT NULL)');
        await c.query('INSERT INTO bench_employer SELECT g - 1, ($1::text[])[g] FROM generate_series(1, 2000) g', [employers]);
        await c.query(`INSERT INTO "TrainingClass"(id, code, name, "institutionId", "regionCode", "occupationId", level, "trainingType",
                   status, "plannedHours", "startDate", "endDate", venue, capacity, "submittedAt", "decidedAt", "completedAt", "createdAt", "updatedAt")
          SELECT md5('k' || k)::uuid, 'PX-BENCH-' || k, '就业跟踪基准班' || k, md5('inst')::uuid,
                 (ARRAY['150802','150821','150822'])[1 + k % 3], md5('o' || (1 + k % 3))::uuid, 'LEVEL_4', 'EMPLOYMENT_SKILLS',
                 'COMPLETED', 80, d - 20, d, '教学楼 301', 50,
                 (d - 30)::timestamp AT TIME ZONE 'Asia/Shanghai', (d - 25)::timestamp AT TIME ZONE 'Asia/Shanghai',
                 (d + TIME '18:00') AT TIME ZONE 'Asia/Shanghai', (d - 30)::timestamp AT TIME ZONE 'Asia/Shanghai', now()
          FROM (SELECT k, ${classDay('k')} AS d FROM generate_series(1, ${classes}) k) s`);
        return { institutionId: inst.rows[0]!.id, policyId: policy.rows[0]!.id };
      },
      seconds,
    );

    // Secondary indexes of the bulk-loaded tables as the migrations made them (names as Postgres
    // truncated them), dropped now and rebuilt after the load; primary keys stay (foreign keys point
    // at them), except SocialInsuranceContribution's, which nothing references.
    const loaded = ['Person', 'Enrollment', 'SocialInsuranceContribution', 'EmploymentRecord', 'SubsidyClaimLine'];
    const indexes = (
      await c.query<{ tablename: string; indexname: string; indexdef: string }>(
        `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1)
           AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')`,
        [loaded],
      )
    ).rows;
    for (const ix of indexes) await c.query(`DROP INDEX "${ix.indexname}"`);
    await c.query(`ALTER TABLE "SocialInsuranceContribution" DROP CONSTRAINT "SocialInsuranceContribution_pkey"`);

    await timed(
      'persons_enrollments',
      () =>
        both(
          `INSERT INTO "Person"(id, name, "idNumberCipher", "idNumberHash", "idNumberMasked", "birthDate", sex,
                   "originRegionCode", phone, "householdType", "priorityGroups", "createdAt", "updatedAt")
          SELECT md5('p' || i)::uuid, '学员' || i, 'v1.bench.' || md5('c' || i) || md5('n' || i),
                 md5('h' || i) || md5('j' || i), '150802********' || lpad((i % 10000)::text, 4, '0'),
                 DATE '1975-01-01' + (i % 9000), (CASE WHEN i % 2 = 0 THEN 'FEMALE' ELSE 'MALE' END)::"Sex",
                 (ARRAY['150802','150821','150822'])[1 + i % 3], '139' || lpad(i::text, 8, '0'),
                 (CASE WHEN i % 3 = 0 THEN 'URBAN' ELSE 'RURAL' END)::"HouseholdType",
                 (CASE WHEN i % 4 = 0 THEN '{RURAL_MIGRANT_WORKER}' ELSE '{}' END)::"PriorityGroup"[], now(), now()
          FROM generate_series(1, ${n}) i`,
          `INSERT INTO "Enrollment"(id, "classId", "personId", status, "priorityGroups", "householdType", "attendanceRateBp",
                   score, "completedAt", "createdAt")
          SELECT md5('e' || i)::uuid, md5('k' || ${classOf('i')})::uuid, md5('p' || i)::uuid, 'COMPLETED',
                 (CASE WHEN i % 4 = 0 THEN '{RURAL_MIGRANT_WORKER}' ELSE '{}' END)::"PriorityGroup"[],
                 (CASE WHEN i % 3 = 0 THEN 'URBAN' ELSE 'RURAL' END)::"HouseholdType", 8500 + (i % 16) * 100, 75,
                 (d + TIME '18:00') AT TIME ZONE 'Asia/Shanghai', (d - 30)::timestamp AT TIME ZONE 'Asia/Shanghai'
          FROM (SELECT i, ${classDay(classOf('i'))} AS d FROM generate_series(1, ${n}) i) s`,
        ),
      seconds,
    );

    await timed(
      'contributions',
      async () => {
        // Per contributing person (computed once, OFFSET 0 keeps md5 and the joins out of the per-row
        // projection): its contributing number cn, md5 id, completion month cm, employers. Per row:
        // slot s (< perPerson, global row cn × perPerson + s < m), month j = s / 3, insurance type s % 3.
        const contributionsOf = (lo: number, hi: number) => `
          INSERT INTO "SocialInsuranceContribution"(id, "personId", "employerCreditCode", month, "insuranceType",
                         "amountFen", "wageBaseFen", "createdAt")
          SELECT (left(ph, 26) || lpad(to_hex(s), 6, '0'))::uuid, ph::uuid,
                 CASE WHEN mm0 > rm OR kind IN (6, 7) OR (kind = 8 AND j < 2) THEN c0 ELSE c1 END,
                 lpad((mm / 12)::text, 4, '0') || lpad((mm % 12 + 1)::text, 2, '0'),
                 (ARRAY['PENSION','MEDICAL','UNEMPLOYMENT']::"InsuranceType"[])[1 + t],
                 wage * (ARRAY[16, 8, 1])[1 + t] / 100, wage, now()
          FROM (
            SELECT *, CASE WHEN mm0 > rm THEN cm - 14 - j ELSE mm0 END AS mm
            FROM (
              SELECT p.*, s, s / 3 AS j, s % 3 AS t,
                     CASE WHEN kind BETWEEN 2 AND 5 THEN cm + q % 4 + s / 3
                          WHEN kind IN (6, 7) THEN cm - 12 + s / 3
                          WHEN kind = 8 AND s / 3 < 2 THEN cm - 2 + s / 3
                          WHEN kind = 8 THEN cm + q % 5 + s / 3
                          ELSE cm + 5 + q % 4 + s / 3 END AS mm0
              FROM (
                SELECT i, md5('p' || i) AS ph, i % 10 AS kind, i / 10 AS q, (i / 10) * 8 + i % 10 - 2 AS cn,
                       ${monthIdx(classDay(classOf('i')))} AS cm, ${monthIdx(rd)} AS rm,
                       400000 + (i % 50) * 10000 AS wage, b0.code AS c0, b1.code AS c1
                FROM generate_series(${lo}, ${hi}) i
                JOIN bench_employer b0 ON b0.n = (i * 31) % 2000
                JOIN bench_employer b1 ON b1.n = (i * 17 + 7) % 2000
                WHERE i % 10 >= 2
                OFFSET 0
              ) p
              CROSS JOIN LATERAL generate_series(0, ${perPerson - 1}) s
              WHERE p.cn::bigint * ${perPerson} + s < ${m}
            ) x
          ) y`;
        const half = Math.floor(n / 20) * 10;
        await both(contributionsOf(1, half), contributionsOf(half + 1, n));
      },
      seconds,
    );

    await timed(
      'records_claims',
      () =>
        both(
          `INSERT INTO "EmploymentRecord"(id, "personId", "enrollmentId", "employerCreditCode", "employerName", source,
                   "contractStart", "contractEnd", "contractMonths", "monthlyWageFen", confirmation, "confirmedAt", "observedAt")
          SELECT md5('r' || i)::uuid, md5('p' || i)::uuid, md5('e' || i)::uuid, be.code, '基准企业' || be.n,
                 (ARRAY['LABOUR_CONTRACT','LABOUR_CONTRACT','SELF_REPORTED','EMPLOYER_CONFIRMATION'])[i % 10 - 1]::"EmploymentSource",
                 start, (start + make_interval(months => mo))::date - 1, mo, 400000 + (i % 50) * 10000,
                 (CASE WHEN i % 10 = 5 THEN 'CONFIRMED' ELSE 'UNCONFIRMED' END)::"EmploymentConfirmation",
                 CASE WHEN i % 10 = 5 THEN start::timestamp AT TIME ZONE 'Asia/Shanghai' END,
                 start::timestamp AT TIME ZONE 'Asia/Shanghai'
          FROM (
            SELECT i, ${classDay(classOf('i'))} + 1 + ((i / 10) % 4) * 30 AS start, (ARRAY[12, 6, 24, 36])[i % 10 - 1] AS mo
            FROM generate_series(1, ${n}) i
            WHERE i % 10 BETWEEN 2 AND 5 AND (i / 10) % 2 = 0
          ) s JOIN bench_employer be ON be.n = (s.i * 17 + 7) % 2000
          WHERE start <= ${rd}`,
          `INSERT INTO "SubsidyClaim"(id, number, "claimantId", "regionCode", "policyId", kind, "claimKind", "basisRef",
                         computation, status, "totalFen", "approvedFen", "submittedAt", "decidedAt", "updatedAt")
          SELECT md5('q' || k)::uuid, 'BENCH-CH-' || k, md5('inst')::uuid, '150800', md5('policy')::uuid, 'CLASS_HOUR', 'CLASS_HOUR',
                 'class:' || md5('k' || k)::uuid,
                 jsonb_build_object('basis', jsonb_build_object('type', 'CLASS', 'classId', md5('k' || k)::uuid,
                   'occupationCode', (ARRAY['4-10-01-05','4-03-02-01','6-31-01-03'])[1 + k % 3], 'occupationTier', 1 + k % 3,
                   'targetLevel', 'LEVEL_4', 'startDate', (d - 20)::text, 'completedOn', d::text)),
                 'APPROVED', 50 * 96000, 50 * 96000,
                 (d + 1)::timestamp AT TIME ZONE 'Asia/Shanghai', (d + 1)::timestamp AT TIME ZONE 'Asia/Shanghai', now()
          FROM (SELECT k, ${classDay('k')} AS d FROM generate_series(10, ${classes}, 10) k) s;
          INSERT INTO "SubsidyClaimLine"(id, "claimId", "personId", "enrollmentId", kind, part, "occupationCode", level,
                         "basisRef", "amountFen", "subsidyYear", "countsTowardLimit", "limitSlot", "dedupKey", status, explanation)
          SELECT md5('l' || i)::uuid, md5('q' || k)::uuid, md5('p' || i)::uuid, md5('e' || i)::uuid, 'CLASS_HOUR', 'MAIN',
                 occ, 'LEVEL_4', 'class:' || md5('k' || k)::uuid, 96000, extract(year FROM d - 20)::int, true, 1,
                 'CLASS_HOUR|' || md5('p' || i)::uuid || '|' || occ || '|LEVEL_4|class:' || md5('k' || k)::uuid || '|MAIN',
                 'ACCEPTED', '{}'
          FROM (SELECT i, k, ${classDay('k')} AS d, (ARRAY['4-10-01-05','4-03-02-01','6-31-01-03'])[1 + k % 3] AS occ
                FROM (SELECT i, ${classOf('i')} AS k FROM generate_series(1, ${n}) i) a WHERE k % 10 = 0) s`,
        ),
      seconds,
    );

    await timed(
      'indexes',
      async () => {
        // The big unique index on one session, everything else on the other.
        const big = indexes.filter((ix) => ix.tablename === 'SocialInsuranceContribution').map((ix) => ix.indexdef);
        const rest = indexes.filter((ix) => ix.tablename !== 'SocialInsuranceContribution').map((ix) => ix.indexdef);
        await both(
          [...big].join(';\n') || 'SELECT 1',
          [`ALTER TABLE "SocialInsuranceContribution" ADD CONSTRAINT "SocialInsuranceContribution_pkey" PRIMARY KEY (id)`, ...rest].join(';\n'),
        );
      },
      seconds,
    );

    await timed(
      'vacuum_analyze',
      async () => {
        // VACUUM, not only ANALYZE: it sets the visibility map, as autovacuum would have on a table
        // loaded month by month, so index-only scans need no heap fetch.
        await c.query('DROP TABLE bench_employer');
        await Promise.all([
          sessions[0].query('VACUUM (ANALYZE) "SocialInsuranceContribution"'),
          (async () => {
            for (const t of loaded.filter((x) => x !== 'SocialInsuranceContribution')) await sessions[1].query(`VACUUM (ANALYZE) "${t}"`);
            await sessions[1].query('ANALYZE');
          })(),
        ]);
      },
      seconds,
    );
    const counts: Record<string, number> = {};
    for (const t of ['Person', 'Enrollment', 'SocialInsuranceContribution', 'EmploymentRecord', 'SubsidyClaimLine']) {
      const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${t}"`);
      counts[t] = Number(r.rows[0]!.n);
    }
    if (counts.Enrollment !== n || counts.Person !== n || counts.SocialInsuranceContribution !== m) {
      throw new Error(`generated counts differ from the options: ${JSON.stringify(counts)}`);
    }
    return { ...base, seconds, counts };
  } finally {
    await Promise.all(sessions.map((s) => s.end().catch(() => undefined)));
  }
}

/** Peak RSS of this process, sampled every `ms` while the run goes. */
function rssSampler(ms = 50): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, ms);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/** Resets a kept database (--db=…) to its generated state: no checks, runs, uplift lines, events. */
async function resetEmploymentState(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`SET session_replication_role = replica`);
    await c.query(`DELETE FROM "SubsidyClaimLine" WHERE part = 'EMPLOYMENT_UPLIFT'`);
    await c.query(`DELETE FROM "SubsidyClaim" WHERE "claimKind" = 'EMPLOYMENT_UPLIFT'`);
    await c.query(`TRUNCATE "EmploymentCheckChunk", "EmploymentCheckRun", "EmploymentCheck", "Notification", "OutboxEvent", "AuditLog"`);
    await c.query('VACUUM (ANALYZE) "EmploymentCheck"');
  } finally {
    await c.end();
  }
}

export const employmentChecks: Bench = async (opts): Promise<Record<string, string | number>> => {
  const enrollments = Number(opts.enrollments ?? 1_000_000);
  const contributions = Number(opts.contributions ?? 12 * enrollments);
  const runDate = opts.date ?? shanghaiDate(new Date());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(runDate)) throw new Error('--date must be YYYY-MM-DD');
  const reuse = opts.db;
  const db: TestDatabase = reuse
    ? { name: reuse, url: withDatabase(reuse), drop: async () => undefined }
    : await createTestDatabase('bench_employment');
  const keep = Boolean(reuse) || opts.keep === 'true';
  let genSeconds = 0;
  try {
    if (reuse) {
      await resetEmploymentState(db.url);
      log(`reusing database ${reuse} (employment checks reset)`);
    } else {
      const t0 = performance.now();
      const gen = await generateEmploymentData(db.url, { enrollments, contributions, runDate });
      genSeconds = (performance.now() - t0) / 1000;
      log(`generated in ${genSeconds.toFixed(1)} s: ${JSON.stringify(gen.counts)}`);
    }
    const prisma = createPrisma(db.url, { max: 6 });
    try {
      // Before the measured run, as on any day of the year: every class made its checks when it completed
      // (completeClass → ensureEmploymentChecks), and yesterday's run looked at all of them (the first
      // run, which writes every check's outcome; timed and reported apart as first_*). The measured run
      // is today's: it looks at every open check again and writes what changed.
      const t0 = performance.now();
      const made = await ensureEmploymentChecks(prisma, { today: runDate });
      await prisma.$executeRawUnsafe('VACUUM (ANALYZE) "EmploymentCheck"');
      log(`checks made at completion: ${made.created} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const counts = await prisma.$queryRawUnsafe<Array<{ enrollments: number; contributions: number }>>(
        `SELECT (SELECT count(*) FROM "Enrollment" WHERE status = 'COMPLETED')::int AS enrollments,
                (SELECT count(*) FROM "SocialInsuranceContribution")::int AS contributions`,
      );
      // --mode=direct calls checkChunk itself (two at a time); the default goes through the worker.
      const viaWorker = opts.mode !== 'direct';
      const chunkSize = opts.chunk ? Number(opts.chunk) : undefined;
      const runOn = (date: string) => (viaWorker ? runViaWorker(prisma, db.url, date) : runChecks(prisma, { runDate: date, chunkSize, parallel: Number(opts.parallel ?? 2) }));
      const yesterday = addDays(runDate, -1);
      const first = await runOn(yesterday);
      log(`first run (${yesterday}): ${first.checks} checks in ${first.seconds.toFixed(1)} s`);
      // The day between the runs: autovacuum has cleared the first run's old row versions (VACUUM here, so
      // the measured run does not depend on when autovacuum happens to start), and a checkpoint has passed.
      await prisma.$executeRawUnsafe('VACUUM (ANALYZE) "EmploymentCheck"');
      await prisma.$executeRawUnsafe('CHECKPOINT');
      const run = await runOn(runDate);
      const ref = await sqlReference(db.url, run.runId, runDate);
      const checksPerS = run.checks / run.seconds;
      const sqlPerS = ref.checks / ref.seconds;
      return {
        enrollments: counts[0]?.enrollments ?? 0,
        contributions: counts[0]?.contributions ?? 0,
        seconds: run.seconds.toFixed(1),
        checks: run.checks,
        checks_per_s: Math.round(checksPerS),
        sql_checks_per_s: Math.round(sqlPerS),
        ratio: (checksPerS / sqlPerS).toFixed(2),
        first_seconds: first.seconds.toFixed(1),
        first_checks_per_s: Math.round(first.checks / first.seconds),
        first_ratio: (first.checks / first.seconds / sqlPerS).toFixed(2),
        written: run.written,
        jobs: run.jobs,
        peak_rss_mb: Math.round(run.peakRss / 1024 / 1024),
        mode: run.mode,
        ensure_s: Number.isNaN(run.ensureSeconds) ? 'n/a' : run.ensureSeconds.toFixed(1),
        plan_s: Number.isNaN(run.planSeconds) ? 'n/a' : run.planSeconds.toFixed(1),
        sql_s: ref.seconds.toFixed(1),
        agree: `${ref.agree}/${ref.checks}`,
        qualified: run.qualified,
        employed: run.employed,
        closed: run.closed,
        uplift_lines: run.upliftLines,
        generate_s: reuse ? 'reused' : genSeconds.toFixed(1),
      };
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    if (!keep) await db.drop();
    else log(`kept database ${db.name}`);
  }
};

interface RunResult {
  runId: string;
  mode: string;
  seconds: number;
  ensureSeconds: number;
  planSeconds: number;
  checks: number;
  jobs: number;
  qualified: number;
  employed: number;
  closed: number;
  upliftLines: number;
  /** Checks whose outcome the run wrote (changed since the last run). */
  written: number;
  peakRss: number;
}

/**
 * The daily run: planCheckRun (which ensures the recent checks), then every chunk with checkChunk, two at a
 * time, then finishCheckRun.
 * `seconds` covers all three (what the daily job costs); ensure and plan are also reported apart.
 */
async function runChecks(
  prisma: PrismaClient,
  o: { runDate: string; chunkSize: number | undefined; parallel: number },
): Promise<RunResult> {
  const rss = rssSampler();
  const t0 = performance.now();
  const t1 = t0; // planCheckRun ensures the recent checks itself
  const plan = await planCheckRun(prisma, { runDate: o.runDate, chunkSize: o.chunkSize });
  const t2 = performance.now();
  const pending = [...plan.chunkIds];
  type Totals = { checked: number; qualified: number; employed: number; closed: number; reminders: number };
  const total: Totals = { checked: 0, qualified: 0, employed: 0, closed: 0, reminders: 0 };
  let done = 0;
  const progress = setInterval(() => log(`chunks ${done}/${plan.chunkIds.length}, checked ${total.checked}`), 10_000);
  try {
    await Promise.all(
      Array.from({ length: o.parallel }, () => 0).map(async () => {
        for (let id = pending.shift(); id !== undefined; id = pending.shift()) {
          const r = await checkChunk(prisma, id, { today: o.runDate });
          for (const k of Object.keys(total) as Array<keyof Totals>) total[k] += r[k];
          done++;
        }
      }),
    );
  } finally {
    clearInterval(progress);
  }
  const t3a = performance.now();
  // The run's last step (the worker's last chunk does it): uplift lines, SUCCEEDED.
  await finishCheckRun(prisma, plan.runId, { today: o.runDate });
  const t3 = performance.now();
  log(`chunks ${((t3a - t2) / 1000).toFixed(1)} s, finish ${((t3 - t3a) / 1000).toFixed(1)} s`);
  const peakRss = rss.stop();
  const uplift = await prisma.$queryRawUnsafe<Array<{ n: number }>>(
    `SELECT count(*)::int AS n FROM "SubsidyClaimLine" WHERE part = 'EMPLOYMENT_UPLIFT'`,
  );
  return {
    runId: plan.runId,
    mode: 'direct',
    seconds: (t3 - t0) / 1000,
    ensureSeconds: (t1 - t0) / 1000,
    planSeconds: (t2 - t1) / 1000,
    checks: total.checked,
    jobs: plan.chunkIds.length,
    qualified: total.qualified,
    employed: total.employed,
    closed: total.closed,
    upliftLines: uplift[0]?.n ?? 0,
    written: (await prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "EmploymentCheck" WHERE "runId" = $1::uuid`, plan.runId))[0]?.n ?? 0,
    peakRss,
  };
}

/**
 * The daily run as production runs it: the real worker (startWorker: every queue with its production
 * concurrency, the real handlers) in this process, under a queue prefix of its own so no other worker
 * on this Redis takes the jobs; one `employment-check-run` job is added as the 03:00 scheduler would,
 * and the run is done when its EmploymentCheckRun row is SUCCEEDED (polled every 100 ms).
 */
async function runViaWorker(prisma: PrismaClient, url: string, runDate: string): Promise<RunResult> {
  const config = configWith({ DATABASE_URL: url, QUEUE_PREFIX: `bench-emp-${randomBytes(4).toString('hex')}` });
  const worker = await startWorker({ config });
  const queues = worker.queues;
  const queue = queues[EMPLOYMENT_CHECK_RUN_JOB.queue];
  try {
    const failures: string[] = [];
    const rss = rssSampler();
    const t0 = performance.now();
    await queue.add(EMPLOYMENT_CHECK_RUN_JOB.name, { runDate });
    type Row = { id: string; status: string; chunkCount: number; chunksDone: number; checked: number; qualified: number; closed: number };
    let row: Row | undefined;
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      row = (
        await prisma.$queryRawUnsafe<Row[]>(
          `SELECT id, status::text, "chunkCount", "chunksDone", checked, qualified, closed FROM "EmploymentCheckRun" WHERE "runDate" = $1::date`,
          runDate,
        )
      )[0];
      if (row && row.status !== 'RUNNING') break;
      const failed = await queue.getFailed(0, 5);
      for (const j of failed) failures.push(`${j.name}: ${j.failedReason}`);
      if (failures.length > 0) throw new Error(`employment jobs failed: ${failures.join('; ')}`);
      if (performance.now() - t0 > 3_600_000) throw new Error('run did not finish within an hour');
    }
    const t1 = performance.now();
    const peakRss = rss.stop();
    if (row.status !== 'SUCCEEDED') throw new Error(`run ended ${row.status}`);
    const extra = await prisma.$queryRawUnsafe<Array<{ jobs: number; employed: number; written: number; uplift: number }>>(
      `SELECT (SELECT count(*) FROM "EmploymentCheckChunk" WHERE "runId" = $1::uuid)::int AS jobs,
              (SELECT count(*) FROM "EmploymentCheck" WHERE "runId" = $1::uuid AND status = 'EMPLOYED')::int AS employed,
              (SELECT count(*) FROM "EmploymentCheck" WHERE "runId" = $1::uuid)::int AS written,
              (SELECT count(*) FROM "SubsidyClaimLine" WHERE part = 'EMPLOYMENT_UPLIFT')::int AS uplift`,
      row.id,
    );
    return {
      runId: row.id,
      mode: 'worker',
      seconds: (t1 - t0) / 1000,
      ensureSeconds: Number.NaN,
      planSeconds: Number.NaN,
      checks: row.checked,
      jobs: extra[0]?.jobs ?? 0,
      qualified: row.qualified,
      employed: extra[0]?.employed ?? 0,
      closed: row.closed,
      upliftLines: extra[0]?.uplift ?? 0,
      written: extra[0]?.written ?? 0,
      peakRss,
    };
  } finally {
    for (const q of Object.values(queues)) await q?.obliterate({ force: true }).catch(() => undefined);
    await worker.stop();
  }
}

/**
 * The yardstick: one SQL statement deciding the same checks (those this run looked at: still open, or decided by it) from the same
 * evidence, into a temp table; then how many of its statuses agree with the run's.
 */
async function sqlReference(
  url: string,
  runId: string | null,
  runDate: string,
): Promise<{ checks: number; seconds: number; agree: number; statuses: Record<string, number> }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const rd = `DATE '${runDate}'`;
    // Best of three (after a CHECKPOINT, so the run's dirty pages are not the reference's to write):
    // the fastest reference is the hardest yardstick.
    await c.query('CHECKPOINT');
    const times: number[] = [];
    let r: pg.QueryResult | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      await c.query('DROP TABLE IF EXISTS ref_decision');
      const t0 = performance.now();
      r = await c.query(`CREATE TEMP TABLE ref_decision AS
        SELECT ec.id,
               -- A window is open through its last day (dueOn): it closes once the run date is past it.
               CASE WHEN q.ok THEN 'QUALIFIED' WHEN s.ok OR r.ok THEN 'EMPLOYED' WHEN ec."dueOn" < ${rd} THEN 'NOT_EMPLOYED' ELSE 'PENDING' END AS status
        FROM "EmploymentCheck" ec
        JOIN "Enrollment" e ON e.id = ec."enrollmentId"
        CROSS JOIN LATERAL (
          SELECT EXISTS (SELECT 1 FROM "SocialInsuranceContribution" c WHERE c."personId" = e."personId"
             AND c.month BETWEEN to_char(ec."completedOn", 'YYYYMM') AND to_char(LEAST(ec."dueOn", ${rd}), 'YYYYMM')) AS ok) s
        CROSS JOIN LATERAL (
          SELECT EXISTS (SELECT 1 FROM "EmploymentRecord" r WHERE r."personId" = e."personId" AND r.confirmation = 'CONFIRMED'
             AND r."contractStart" <= ec."dueOn" AND (r."contractEnd" IS NULL OR r."contractEnd" >= LEAST(ec."dueOn", ${rd}))) AS ok) r
        CROSS JOIN LATERAL (
          SELECT EXISTS (SELECT 1 FROM "EmploymentRecord" r WHERE r."personId" = e."personId"
             AND (r.source = 'LABOUR_CONTRACT' OR r.confirmation = 'CONFIRMED')
             AND (r."contractMonths" IS NULL OR r."contractMonths" >= 12)
             AND r."contractStart" >= ec."completedOn" AND r."contractStart" <= (ec."completedOn" + interval '6 months')::date
             AND EXISTS (SELECT 1 FROM "SocialInsuranceContribution" c WHERE c."personId" = e."personId" AND c."employerCreditCode" = r."employerCreditCode"
                AND c.month BETWEEN to_char(r."contractStart", 'YYYYMM') AND to_char(LEAST((ec."completedOn" + interval '6 months')::date, ${rd}), 'YYYYMM'))) AS ok) q
        WHERE ${runId === null ? `ec.status = 'PENDING' AND ec."completedOn" < ${rd}` : `(ec."decidedAt" IS NULL OR ec."runId" = '${runId}')`}`);
      times.push((performance.now() - t0) / 1000);
    }
    log(`sql reference: ${times.map((t) => t.toFixed(1)).join(' s, ')} s (best counts)`);
    const seconds = Math.min(...times);
    const agree = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ref_decision d JOIN "EmploymentCheck" ec ON ec.id = d.id WHERE ec.status::text = d.status`,
    );
    const statuses = await c.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM ref_decision GROUP BY 1 ORDER BY 1');
    return {
      checks: r?.rowCount ?? 0,
      seconds,
      agree: agree.rows[0]?.n ?? 0,
      statuses: Object.fromEntries(statuses.rows.map((x) => [x.status, x.n])),
    };
  } finally {
    await c.end();
  }
}
