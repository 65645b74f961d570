import { createTestDatabase } from '@vtc/db/testing';
import { createPrisma } from '@vtc/db';
import { randomBytes } from 'node:crypto';
const db = await createTestDatabase('param');
const prisma = createPrisma(db.url);
const s = randomBytes(1_100_000).toString('base64');
const b = Buffer.from(s);
await prisma.$queryRawUnsafe('SELECT 1');
for (let k = 0; k < 3; k++) {
  let t = performance.now();
  await prisma.$queryRawUnsafe('SELECT length($1::text) AS n', s);
  console.log('string param', (performance.now() - t).toFixed(0));
  t = performance.now();
  await prisma.$queryRaw`SELECT length(${s}::text) AS n`;
  console.log('string param tagged', (performance.now() - t).toFixed(0));
  t = performance.now();
  await prisma.$queryRawUnsafe('SELECT length($1::bytea) AS n', new Uint8Array(b));
  console.log('bytes param', (performance.now() - t).toFixed(0));
  t = performance.now();
  await prisma.$transaction(async (tx) => { await tx.$queryRawUnsafe('SELECT length($1::text) AS n', s); });
  console.log('string param in tx', (performance.now() - t).toFixed(0));
}
await prisma.$disconnect(); await db.drop();
