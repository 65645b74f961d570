import pg from 'pg';
import { createTestDatabase } from '@vtc/db/testing';
import { randomBytes } from 'node:crypto';
const db = await createTestDatabase('pgprof');
const c = new pg.Client({ connectionString: db.url }); await c.connect();
const n = 5000;
const rows = () => Array.from({ length: n }, (_, i) => ({ name: '王伟伟', cipher: 'v1.' + randomBytes(45).toString('base64url'), hash: randomBytes(32).toString('hex'), masked: '141002********1234', birth: '1990-01-01', sex: 'MALE', region: '141002', phone: '13800001234', household: 'RURAL', groups: 'RURAL_MIGRANT_WORKER' }));
const sql = `EXPLAIN (ANALYZE, BUFFERS, WAL, TIMING) INSERT INTO "Person" (id, name, "idNumberCipher", "idNumberHash", "idNumberMasked", "birthDate", sex, "originRegionCode", phone, "householdType", "priorityGroups", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), t.name, t.cipher, t.hash, t.masked, t.birth::date, t.sex::"Sex", t.region, t.phone,
           t.household::"HouseholdType", string_to_array(t.groups, ',')::"PriorityGroup"[], now(), now()
      FROM json_to_recordset($1::json) AS t(name text, cipher text, hash text, masked text, birth text, sex text, region text, phone text, household text, groups text) ON CONFLICT ("idNumberHash") DO NOTHING RETURNING id`;
for (let k = 0; k < 6; k++) {
  const p = JSON.stringify(rows());
  const t = performance.now();
  const r = await c.query(sql, [p]);
  console.log((performance.now() - t).toFixed(0), r.rows.map((x) => x['QUERY PLAN']).filter((l: string) => /Execution|Insert|WAL|Buffers|Trigger/.test(l)).join(' | '));
}
await c.end(); await db.drop();
