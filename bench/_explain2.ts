import pg from 'pg';
import { createPrisma } from '@vtc/db';
import { createTestDatabase } from '@vtc/db/testing';
import { randomBytes } from 'node:crypto';
const db = await createTestDatabase('explain');
const c = new pg.Client({ connectionString: db.url }); await c.connect();
await c.query(`INSERT INTO "Region"(code,name,level) VALUES ('141002','x','COUNTY');
INSERT INTO "Occupation"(id,code,name,levels) VALUES (gen_random_uuid(),'4-10-01-05','x','{LEVEL_4}');
INSERT INTO "Organization"(id,name,kind,"regionCode","creditCode","updatedAt") VALUES (gen_random_uuid(),'x','TRAINING_INSTITUTION','141002','52141002MJ0000001A',now());
INSERT INTO "TrainingClass"(id,code,name,"institutionId","regionCode","occupationId","trainingType","plannedHours","startDate","endDate",venue,capacity,"updatedAt")
  SELECT gen_random_uuid(),'c','c',(SELECT id FROM "Organization"),'141002',(SELECT id FROM "Occupation"),'EMPLOYMENT_SKILLS',1,now(),now(),'v',100000,now();`);
const classId = (await c.query('SELECT id FROM "TrainingClass"')).rows[0].id;
const importId = '00000000-0000-0000-0000-000000000001';
const sql = (explain: boolean, b64 = false) => `${explain ? 'EXPLAIN (ANALYZE, BUFFERS) ' : ''}
      WITH input AS (
        SELECT * FROM json_to_recordset(${b64 ? "convert_from(decode($1, 'base64'), 'UTF8')" : '$1'}::json)
          AS t(pid uuid, n text, c text, h text, m text, b text, s text, r text, p text, ht text, g text)
      ), person AS (
        INSERT INTO "Person" (id, name, "idNumberCipher", "idNumberHash", "idNumberMasked", "birthDate", sex,
                              "originRegionCode", phone, "householdType", "priorityGroups", "createdAt", "updatedAt")
        SELECT gen_random_uuid(), n, c, h, m, b::date, s::"Sex", r, p, ht::"HouseholdType",
               string_to_array(g, ',')::"PriorityGroup"[], now(), now()
          FROM input WHERE pid IS NULL
        ON CONFLICT ("idNumberHash") DO NOTHING
        RETURNING id, "idNumberHash"
      ), enrolled AS (
        INSERT INTO "Enrollment" (id, "classId", "personId", status, "priorityGroups", "householdType", "rosterImportId", "createdAt")
        SELECT gen_random_uuid(), '${classId}'::uuid, coalesce(input.pid, person.id), 'ENROLLED',
               string_to_array(input.g, ',')::"PriorityGroup"[], input.ht::"HouseholdType", '${importId}'::uuid, now()
          FROM input LEFT JOIN person ON person."idNumberHash" = input.h
         WHERE coalesce(input.pid, person.id) IS NOT NULL
        ON CONFLICT ("classId", "personId") DO NOTHING
        RETURNING "personId"
      )
      SELECT (SELECT count(*)::int FROM enrolled) AS enrolled,
             coalesce((SELECT array_agg(input.h::text) FROM input LEFT JOIN person ON person."idNumberHash" = input.h
                        WHERE coalesce(input.pid, person.id) IS NULL
                           OR coalesce(input.pid, person.id) NOT IN (SELECT "personId" FROM enrolled)), '{}') AS missed`;
const rows = () => JSON.stringify(Array.from({ length: 5000 }, () => ({ pid: null, n: '王伟伟', c: 'v1.' + randomBytes(45).toString('base64url'), h: randomBytes(32).toString('hex'), m: '141002********1234', b: '1990-01-01', s: 'MALE', r: '141002', p: '13800001234', ht: 'RURAL', g: 'RURAL_MIGRANT_WORKER' })));
const prisma = createPrisma(db.url);
for (let k = 0; k < 5; k++) {
  const j = rows();
  const t = performance.now();
  await prisma.$transaction(async (tx) => { await tx.$queryRawUnsafe(sql(false), j); });
  console.log('prisma tx ms', (performance.now() - t).toFixed(0));
}
for (let k = 0; k < 5; k++) {
  const j = rows();
  const t = performance.now();
  await prisma.$queryRawUnsafe(sql(false, true), Buffer.from(j).toString('base64'));
  console.log('prisma b64 ms', (performance.now() - t).toFixed(0));
}
await prisma.$disconnect();
for (let k = 0; k < 5; k++) {
  const j = rows();
  const t = performance.now();
  if (k === 5) { const r = await c.query(sql(true), [j]); console.log(r.rows.map((x) => x['QUERY PLAN']).join('\n')); }
  else { await c.query(sql(false), [j]); console.log('ms', (performance.now() - t).toFixed(0)); }
}
await c.end(); await db.drop();
