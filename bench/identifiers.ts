import { makeCreditCode, makeResidentId, parseCreditCode, parseResidentId } from '@vtc/domain';
import type { Bench } from './index.ts';

export const identifiers: Bench = async (opts) => {
  const n = Number(opts.n ?? 200_000);
  const ids = Array.from({ length: 1000 }, (_, i) =>
    makeResidentId({ regionCode: '141002', birthDate: `19${70 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`, sequence: i % 1000 }),
  );
  const codes = Array.from({ length: 1000 }, (_, i) =>
    makeCreditCode({ authority: '9', orgType: '1', regionCode: '141002', orgCode9: `MA${String(i).padStart(7, '0')}` }),
  );
  const today = new Date('2026-11-22T00:00:00Z');
  let ok = 0;
  let t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (parseResidentId(ids[i % 1000]!, today).ok) ok++;
  const idSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (parseCreditCode(codes[i % 1000]!).ok) ok++;
  const codeSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (ok !== 2 * n) throw new Error('benchmark inputs must all be valid');
  return {
    n,
    resident_ids_per_s: Math.round(n / idSeconds),
    credit_codes_per_s: Math.round(n / codeSeconds),
  };
};
