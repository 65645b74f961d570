/**
 * Money (金额): every amount is a whole number of fen (分, 1 yuan = 100 fen) held in a JS number
 * that is a safe integer. Shares and uplifts are basis points (bp, 10 000 bp = 100%). A line is
 * rounded once, to the fen, half up (四舍五入) — computed exactly with bigint, never with floats.
 */

export const FEN_PER_YUAN = 100;
/** 10 000 basis points = 100%. */
export const BP_SCALE = 10_000;

export function isFen(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function toBigInt(value: number | bigint, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer (got ${value})`);
  return BigInt(value);
}

function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount ${value} fen is beyond the safe integer range`);
  return n;
}

/**
 * numerator ÷ denominator rounded to a whole number, halves rounded up in magnitude (四舍五入):
 * 5/2 → 3, 7/3 → 2, 8/3 → 3, −5/2 → −3 (so rounding a claw-back equals negating the rounded amount).
 * The denominator must be positive.
 */
export function roundHalfUp(numerator: number | bigint, denominator: number | bigint): number {
  const n = toBigInt(numerator, 'numerator');
  const d = toBigInt(denominator, 'denominator');
  if (d <= 0n) throw new RangeError(`denominator must be positive (got ${d})`);
  const negative = n < 0n;
  const magnitude = negative ? -n : n;
  const quotient = magnitude / d;
  const rounded = (magnitude % d) * 2n >= d ? quotient + 1n : quotient;
  return toSafeNumber(negative ? -rounded : rounded);
}

/** a × b ÷ c, one rounding half up at the end (the product is exact). */
export function mulDivHalfUp(a: number, b: number, c: number): number {
  return roundHalfUp(toBigInt(a, 'a') * toBigInt(b, 'b'), c);
}

/** `bp` basis points of an amount in fen, rounded half up to the fen: 50% (5000 bp) of 1 fen → 1 fen. */
export function applyBp(amountFen: number, bp: number): number {
  return mulDivHalfUp(amountFen, bp, BP_SCALE);
}

/** The sum of amounts in fen; throws rather than lose precision. */
export function sumFen(amounts: readonly number[]): number {
  let total = 0n;
  for (const a of amounts) total += toBigInt(a, 'amount');
  return toSafeNumber(total);
}

/** 400000 → "4,000.00"; −30050 → "-300.50". */
export function formatYuan(fen: number): string {
  const f = toBigInt(fen, 'fen');
  const negative = f < 0n;
  const magnitude = negative ? -f : f;
  const yuan = (magnitude / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (magnitude % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${yuan}.${cents}`;
}

/** 400000 → "4,000.00元" */
export function yuanZh(fen: number): string {
  return `${formatYuan(fen)}元`;
}

/** 400000 → "CNY 4,000.00" */
export function yuanEn(fen: number): string {
  return `CNY ${formatYuan(fen)}`;
}

/** Basis points as a percentage without trailing zeros: 5000 → "50%", 7990 → "79.9%", 8025 → "80.25%". */
export function formatBp(bp: number): string {
  if (!Number.isSafeInteger(bp)) throw new RangeError(`basis points must be an integer (got ${bp})`);
  const sign = bp < 0 ? '-' : '';
  const m = Math.abs(bp);
  const whole = Math.floor(m / 100);
  const frac = String(m % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''}%`;
}
