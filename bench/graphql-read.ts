import { encryptIdNumber, idNumberHash, piiKeysFrom } from '@vtc/core';
import { makeResidentId, maskResidentId } from '@vtc/domain';
import { createFixtures, startTestApi } from '../apps/api/src/testing.ts';
import type { Bench } from './index.ts';

/**
 * A scoped read as an institution clerk does it all day: the first 50 of its trainees with their
 * enrollments and classes, through the full HTTP + GraphQL + auth + scope + Prisma path.
 */
export const graphqlRead: Bench = async (opts) => {
  const persons = Number(opts.persons ?? 2000);
  const seconds = Number(opts.seconds ?? 5);
  const concurrency = Number(opts.concurrency ?? 8);
  const api = await startTestApi('bench_read');
  try {
    const fx = await createFixtures(api.prisma, api.config);
    const keys = piiKeysFrom(api.config);
    const rows = Array.from({ length: persons }, (_, i) => {
      const id = makeResidentId({ regionCode: '141002', birthDate: `19${75 + (i % 20)}-0${1 + (i % 9)}-1${i % 10}`, sequence: i % 1000 });
      return { id, name: `学员${i}`, i };
    }).filter((r, idx, all) => all.findIndex((o) => o.id === r.id) === idx);
    await api.prisma.person.createMany({
      data: rows.map((r) => ({
        name: r.name,
        idNumberCipher: encryptIdNumber(keys, r.id),
        idNumberHash: idNumberHash(keys, r.id),
        idNumberMasked: maskResidentId(r.id),
        birthDate: new Date(`${r.id.slice(6, 10)}-${r.id.slice(10, 12)}-${r.id.slice(12, 14)}T00:00:00Z`),
        sex: Number(r.id[16]) % 2 === 1 ? 'MALE' : 'FEMALE',
        originRegionCode: '141002',
      })),
    });
    const created = await api.prisma.person.findMany({ where: { name: { startsWith: '学员' } }, select: { id: true } });
    await api.prisma.enrollment.createMany({ data: created.map((p) => ({ classId: fx.classA, personId: p.id })) });
    const token = await api.login('institution1');
    const body = JSON.stringify({
      query: '{ trainees(first: 50) { edges { node { id name idNumber age enrollments { status class { number name } } } } } }',
    });
    const latencies: number[] = [];
    const deadline = Date.now() + seconds * 1000;
    let failures = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < deadline) {
          const t = performance.now();
          const res = await fetch(`${api.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body,
          });
          const json = (await res.json()) as { errors?: unknown; data?: { trainees: { edges: unknown[] } } };
          if (json.errors || json.data?.trainees.edges.length !== 50) failures++;
          latencies.push(performance.now() - t);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
    return {
      persons: created.length,
      concurrency,
      requests: latencies.length,
      failures,
      req_per_s: Math.round(latencies.length / seconds),
      p50_ms: q(0.5),
      p99_ms: q(0.99),
    };
  } finally {
    await api.stop();
  }
};
