import pg from 'pg';
import { createTestDatabase } from '@vtc/db/testing';
import { createPrisma } from '@vtc/db';
import { randomBytes } from 'node:crypto';
const db = await createTestDatabase('pgprof');
const c = new pg.Client({ connectionString: db.url }); await c.connect();
const prisma = createPrisma(db.url);
const n = 5000;
const rows = (k: number) => Array.from({ length: n }, (_, i) => ({ name: '王伟伟', cipher: 'v1.' + randomBytes(45).toString('base64url'), hash: randomBytes(32).toString('hex'), masked: '141002********1234', birth: '1990-01-01', sex: 'MALE', region: '141002', phone: '13800001234', household: 'RURAL', groups: 'RURAL_MIGRANT_WORKER' }));
const cols = ['name','cipher','hash','masked','birth','sex','region','phone','household','groups'] as const;
const arrSql = (conf: string, ret: string) => `INSERT INTO "Person" (id, name, "idNumberCipher", "idNumberHash", "idNumberMasked", "birthDate", sex, "originRegionCode", phone, "householdType", "priorityGroups", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), t.name, t.cipher, t.hash, t.masked, t.birth::date, t.sex::"Sex", t.region, t.phone,
           t.household::"HouseholdType", string_to_array(t.groups, ',')::"PriorityGroup"[], now(), now()
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
           AS t(name, cipher, hash, masked, birth, sex, region, phone, household, groups) ${conf} ${ret}`;
const jsonSql = (conf: string, ret: string) => `INSERT INTO "Person" (id, name, "idNumberCipher", "idNumberHash", "idNumberMasked", "birthDate", sex, "originRegionCode", phone, "householdType", "priorityGroups", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), t.name, t.cipher, t.hash, t.masked, t.birth::date, t.sex::"Sex", t.region, t.phone,
           t.household::"HouseholdType", string_to_array(t.groups, ',')::"PriorityGroup"[], now(), now()
      FROM json_to_recordset($1::json) AS t(name text, cipher text, hash text, masked text, birth text, sex text, region text, phone text, household text, groups text) ${conf} ${ret}`;
const time = async (label: string, f: () => Promise<unknown>) => { const ts: number[] = []; for (let k = 0; k < 4; k++) { const t = performance.now(); await f(); ts.push(performance.now() - t); } console.log(label, ts.map((x) => x.toFixed(0)).join(' ')); };
const CONF = 'ON CONFLICT ("idNumberHash") DO NOTHING';
const RET = 'RETURNING id, "idNumberHash"';
await time('pg arrays conflict+returning', () => { const r = rows(0); return c.query(arrSql(CONF, RET), cols.map((k) => r.map((x) => x[k]))); });
await time('pg arrays plain+returning', () => { const r = rows(0); return c.query(arrSql('', RET), cols.map((k) => r.map((x) => x[k]))); });
await time('pg arrays plain', () => { const r = rows(0); return c.query(arrSql('', ''), cols.map((k) => r.map((x) => x[k]))); });
await time('pg json conflict+returning', () => { const r = rows(0); return c.query(jsonSql(CONF, RET), [JSON.stringify(r)]); });
await time('prisma arrays conflict+returning', () => { const r = rows(0); return prisma.$queryRawUnsafe(arrSql(CONF, RET), ...cols.map((k) => r.map((x) => x[k]))); });
await time('prisma json conflict+returning', () => { const r = rows(0); return prisma.$queryRawUnsafe(jsonSql(CONF, RET), JSON.stringify(r)); });
await time('prisma json plain+returning', () => { const r = rows(0); return prisma.$queryRawUnsafe(jsonSql('', RET), JSON.stringify(r)); });
console.log(await c.query('select count(*) from "Person"').then((r) => r.rows));
await c.end(); await prisma.$disconnect(); await db.drop();
