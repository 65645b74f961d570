import { createTestDatabase } from '@vtc/db/testing';
import { createPrisma } from '@vtc/db';
import { randomBytes, randomUUID } from 'node:crypto';
const db = await createTestDatabase('bytes');
const prisma = createPrisma(db.url);
await prisma.region.create({ data: { code: '141002', name: 'x', level: 'COUNTY' } });
const occ = await prisma.occupation.create({ data: { code: '4-10-01-05', name: 'x', levels: ['LEVEL_4'] } });
const org = await prisma.organization.create({ data: { name: 'x', kind: 'TRAINING_INSTITUTION', regionCode: '141002', creditCode: '52141002MJ0000001A' } });
const k = await prisma.trainingClass.create({ data: { code: 'c', name: 'c', institutionId: org.id, regionCode: '141002', occupationId: occ.id, trainingType: 'EMPLOYMENT_SKILLS', plannedHours: 1, startDate: new Date(), endDate: new Date(), venue: 'v', capacity: 1 } });
for (let i = 0; i < 3; i++) {
  const imp = await prisma.rosterImport.create({ data: { classId: k.id, fileName: 'f', fileSha256: randomBytes(32).toString('hex'), format: 'csv' } });
  const content = new Uint8Array(randomBytes(6_500_000));
  let t = performance.now();
  await prisma.rosterImportFile.create({ data: { importId: imp.id, content } });
  console.log('create', (performance.now() - t).toFixed(0));
  t = performance.now();
  const r = await prisma.rosterImportFile.findUnique({ where: { importId: imp.id } });
  console.log('read', (performance.now() - t).toFixed(0), r?.content.length);
  t = performance.now();
  await prisma.$executeRaw`UPDATE "RosterImportFile" SET content = decode(${Buffer.from(content).toString('base64')}, 'base64') WHERE "importId" = ${imp.id}::uuid`;
  console.log('raw b64', (performance.now() - t).toFixed(0));
  t = performance.now();
  const r2 = await prisma.$queryRaw<Array<{ c: string }>>`SELECT encode(content, 'base64') AS c FROM "RosterImportFile" WHERE "importId" = ${imp.id}::uuid`;
  const b = Buffer.from(r2[0]!.c, 'base64');
  console.log('raw read b64', (performance.now() - t).toFixed(0), b.length);
}
await prisma.$disconnect(); await db.drop();
