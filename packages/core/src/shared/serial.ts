import type { Tx } from '@vtc/db';

/**
 * The next number in a gap-free sequence (class codes, certificate serials, claim numbers). The
 * row lock taken by the upsert serialises concurrent callers; a rolled-back transaction gives its
 * number back, so issued numbers have no gaps.
 */
export async function nextSerial(tx: Tx, key: string, count = 1): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ value: number }>>`
    INSERT INTO "SerialCounter" (key, value) VALUES (${key}, ${count})
    ON CONFLICT (key) DO UPDATE SET value = "SerialCounter".value + ${count}
    RETURNING value`;
  const last = rows[0]?.value;
  if (last === undefined) throw new Error(`serial ${key} not returned`);
  return last - count + 1;
}
