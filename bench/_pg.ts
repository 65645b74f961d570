import pg from 'pg';
import { createTestDatabase } from '@vtc/db/testing';
import { createPrisma } from '@vtc/db';
const db = await createTestDatabase('pgprof');
const c = new pg.Client({ connectionString: db.url }); await c.connect();
await c.query(`INSERT INTO "Region"(code,name,level,"updatedAt") VALUES ('141002','x','COUNTY',now())`).catch(async (e) => { console.log(e.message); });
const n = 5000;
const mk = (k: number) => Array.from({ length: n }, (_, i) => `${k}-${i}`);
const arr = (f: (i: number) => string | null) => Array.from({ length: n }, (_, i) => f(i));
const sql = `INSERT INTO "Person" (id, name, "idNumberCipher", "idNumberHash", "idNumberMasked", "birthDate", sex, "originRegionCode", phone, "householdType", "priorityGroups", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), t.name, t.cipher, t.hash, t.masked, t.birth::date, t.sex::"Sex", t.region, t.phone,
           t.household::"HouseholdType", string_to_array(t.groups, ',')::"PriorityGroup"[], now(), now()
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
           AS t(name, cipher, hash, masked, birth, sex, region, phone, household, groups)
    ON CONFLICT ("idNumberHash") DO NOTHING RETURNING id, "idNumberHash"`;
const params = (k: number) => [arr(() => '王伟伟'), arr((i) => 'v1.' + 'x'.repeat(60) + i), arr((i) => (k * 1e6 + i).toString(16).padStart(64, '0')), arr(() => '141002********1234'), arr(() => '1990-01-01'), arr(() => 'MALE'), arr(() => '141002'), arr(() => '13800001234'), arr(() => 'RURAL'), arr(() => 'RURAL_MIGRANT_WORKER')];
for (let k = 1; k <= 3; k++) { const t = performance.now(); await c.query('BEGIN'); const r = await c.query(sql, params(k)); await c.query('COMMIT'); console.log('pg', r.rowCount, (performance.now() - t).toFixed(1)); }
const prisma = createPrisma(db.url);
for (let k = 4; k <= 6; k++) { const p = params(k); const t = performance.now(); const r = await prisma.$queryRawUnsafe<unknown[]>(sql, ...p); console.log('prisma', r.length, (performance.now() - t).toFixed(1)); }
await c.end(); await prisma.$disconnect(); await db.drop();
