import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { configWith } from '@vtc/config';
import {
  type Actor,
  piiKeysFrom,
  residentIdSealer,
  runRosterImport,
  uploadRoster,
} from '@vtc/core';
import { createPrisma } from '@vtc/db';
import { createTestDatabase } from '@vtc/db/testing';
import { DEFAULT_TRAINING_RULES, makeResidentId, validateTraineeInput } from '@vtc/domain';
import type { Bench } from './index.ts';

const run = promisify(execFile);

/**
 * 100,000-row roster import (花名册) through the real path: the upload use case (parse, store the
 * file encrypted, outbox event) and the job's use case called directly (parse, validate, encrypt and
 * hash in Node, chunked set-based INSERTs of persons and enrollments). Beside it, in the same run and
 * database, a plain PostgreSQL COPY of the same rows (name, cipher, hash, masked, birth date, sex,
 * region, phone, household, groups: precomputed, so COPY only loads) into scratch tables, through
 * `psql \copy` with `\timing` (the time of the COPY command itself, not psql's start-up; psql ships
 * with PostgreSQL, so no COPY client library is needed):
 *   - copy_rows_per_s: into a plain scratch table with no index or key (the reference `ratio` uses);
 *   - copy_indexed_rows_per_s: into a scratch table LIKE "Person" (its primary key and unique ID-hash
 *     index, which the import must maintain too): `ratio_indexed`.
 * rows_per_s = rows / job time (the job's use case); upload_s (parse, store the file encrypted) and
 * end_to_end_rows_per_s are reported beside it. Options: --rows=100000.
 */
export const rosterImport: Bench = async (opts) => {
  const total = Number(opts.rows ?? 100_000);
  const db = await createTestDatabase('bench_roster');
  const prisma = createPrisma(db.url, { max: 4 });
  const keys = piiKeysFrom(configWith({}));
  const dir = await mkdtemp(join(tmpdir(), 'vtc-bench-roster-'));
  try {
    await prisma.region.createMany({
      data: [
        { code: '140000', name: '山西省', level: 'PROVINCE' },
        { code: '141000', name: '临汾市', level: 'CITY', parentCode: '140000' },
        { code: '141002', name: '尧都区', level: 'COUNTY', parentCode: '141000' },
      ],
    });
    const occupation = await prisma.occupation.create({ data: { code: '4-10-01-05', name: '养老护理员', levels: ['LEVEL_4'] } });
    const inst = await prisma.organization.create({
      data: { name: '尧都区培训学校', kind: 'TRAINING_INSTITUTION', regionCode: '141002', creditCode: '52141002MJ0000001A' },
    });
    const klass = await prisma.trainingClass.create({
      data: {
        code: 'PX-BENCH-1',
        name: '花名册基准班',
        institutionId: inst.id,
        regionCode: '141002',
        occupationId: occupation.id,
        level: 'LEVEL_4',
        trainingType: 'EMPLOYMENT_SKILLS',
        plannedHours: 80,
        startDate: new Date('2026-12-01T00:00:00Z'),
        endDate: new Date('2026-12-30T00:00:00Z'),
        venue: '教学楼 301',
        capacity: total,
      },
    });
    const actor: Actor = {
      userId: randomUUID(),
      username: 'bench',
      sessionId: null,
      roles: [{ role: 'INSTITUTION_STAFF', regionCode: null, organizationId: inst.id, personId: null, canViewIdNumbers: false }],
    };

    // Synthetic, valid rows: 1,000 sequence numbers for each of `total / 1000` birth dates.
    const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
    const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华';
    const GROUPS = ['', '农民工', '脱贫劳动力', '高校毕业生、失业人员', ''];
    const lines = ['姓名,身份证号,手机号,户籍类型,重点群体'];
    const ids: string[] = [];
    for (let i = 0; i < total; i++) {
      const day = new Date(Date.UTC(1975, 0, 1) + Math.floor(i / 1000) * 86_400_000 * 97).toISOString().slice(0, 10);
      const id = makeResidentId({ regionCode: '141002', birthDate: day, sequence: i % 1000 });
      ids.push(id);
      const name = `${SURNAMES[i % SURNAMES.length]}${GIVEN[Math.floor(i / 20) % GIVEN.length]}${GIVEN[Math.floor(i / 500) % GIVEN.length]}`;
      lines.push(`${name},${id},13${8 + (i % 2)}${String(i).padStart(8, "0")},${i % 3 === 0 ? '城镇' : '农村'},${GROUPS[i % 5]}`);
    }
    const file = Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8');

    // The same rows as COPY input, computed beforehand (COPY is timed alone).
    const rules = DEFAULT_TRAINING_RULES;
    const csvField = (v: string | null) => (v === null ? '' : /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const copyLines: string[] = [];
    const sealId = residentIdSealer(keys);
    for (let i = 0; i < total; i++) {
      const [name, idNumber, phone, householdType, priorityGroups] = lines[i + 1]!.split(',');
      const v = validateTraineeInput({ name, idNumber, phone, householdType, priorityGroups }, { today: new Date(), rules });
      if (!v.ok) throw new Error('bench row invalid');
      const x = v.value;
      const sealed = sealId(x.idNumber);
      copyLines.push(
        [
          x.name,
          sealed.idNumberCipher,
          sealed.idNumberHash,
          sealed.idNumberMasked,
          x.birthDate,
          x.sex,
          x.originRegionCode,
          x.phone,
          x.householdType,
          `{${x.priorityGroups.join(',')}}`,
        ]
          .map(csvField)
          .join(','),
      );
    }
    const copyFile = join(dir, 'rows.csv');
    await writeFile(copyFile, `${copyLines.join('\n')}\n`);
    const cols = 'name, "idNumberCipher", "idNumberHash", "idNumberMasked", "birthDate", sex, "originRegionCode", phone, "householdType", "priorityGroups"';
    let scratch = 0;
    /** Seconds of one COPY into a new scratch table: a plain heap, or shaped like "Person" (its primary key and unique hash index). */
    const copy = async (kind: 'heap' | 'indexed'): Promise<number> => {
      const table = `roster_copy_${kind}_${++scratch}`;
      if (kind === 'heap') {
        await prisma.$executeRawUnsafe(`CREATE TABLE ${table} (
          name text, "idNumberCipher" text, "idNumberHash" char(64), "idNumberMasked" char(18), "birthDate" date,
          sex "Sex", "originRegionCode" char(6), phone text, "householdType" "HouseholdType", "priorityGroups" "PriorityGroup"[])`);
      } else {
        await prisma.$executeRawUnsafe(`CREATE TABLE ${table} (LIKE "Person" INCLUDING DEFAULTS INCLUDING INDEXES)`);
        await prisma.$executeRawUnsafe(`ALTER TABLE ${table} ALTER COLUMN id SET DEFAULT gen_random_uuid(), ALTER COLUMN "updatedAt" SET DEFAULT now()`);
      }
      const { stdout } = await run('psql', [db.url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', '\\timing on', '-c', `\\copy ${table} (${cols}) FROM '${copyFile}' WITH (FORMAT csv)`]);
      const ms = /Time: ([\d.]+) ms/.exec(stdout);
      if (!ms) throw new Error(`no timing from psql: ${stdout}`);
      const copied = await prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM ${table}`);
      if (copied[0]?.n !== total) throw new Error('COPY did not load every row');
      await prisma.$executeRawUnsafe(`DROP TABLE ${table}`);
      return Number(ms[1]) / 1000;
    };
    // COPY runs before and after the import; the faster of the two counts (other load on the machine
    // only ever slows a run down, so the best time is the fairest reference for COPY).
    const heapBefore = await copy('heap');
    const indexedBefore = await copy('indexed');

    const t0 = performance.now();
    const queued = await uploadRoster(prisma, keys, actor, { classId: klass.id, content: file, fileName: 'bench.csv', contentType: 'text/csv' });
    const t1 = performance.now();
    const done = await runRosterImport(prisma, keys, queued.importId);
    const t2 = performance.now();
    if (done.status !== 'SUCCEEDED' || done.acceptedRows !== total) {
      throw new Error(`import did not take every row: ${JSON.stringify({ ...done, errors: done.errors.slice(0, 5) })}`);
    }
    const heapSeconds = Math.min(heapBefore, await copy('heap'));
    const indexedSeconds = Math.min(indexedBefore, await copy('indexed'));

    const jobSeconds = (t2 - t1) / 1000;
    const rowsPerS = total / jobSeconds;
    const copyRowsPerS = total / heapSeconds;
    const copyIndexedRowsPerS = total / indexedSeconds;
    return {
      rows: total,
      rows_per_s: Math.round(rowsPerS),
      copy_rows_per_s: Math.round(copyRowsPerS),
      ratio: (rowsPerS / copyRowsPerS).toFixed(3),
      copy_indexed_rows_per_s: Math.round(copyIndexedRowsPerS),
      ratio_indexed: (rowsPerS / copyIndexedRowsPerS).toFixed(3),
      upload_s: ((t1 - t0) / 1000).toFixed(2),
      job_s: jobSeconds.toFixed(2),
      end_to_end_rows_per_s: Math.round(total / ((t2 - t0) / 1000)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await prisma.$disconnect();
    await db.drop();
  }
};
