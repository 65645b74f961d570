import { createHash } from 'node:crypto';

/**
 * Deterministic randomness for the demo seed: the same code gives the same data on every machine.
 * Each part of the seed draws from its own named stream, so adding data in one part never shifts
 * the values drawn in another.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; `weights[i]` belongs to `items[i]`. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
}

const SEED_SALT = 'vtc-demo-seed-v1';

function seedOf(name: string): number {
  return createHash('sha256').update(`${SEED_SALT}:${name}`).digest().readUInt32BE(0);
}

/** mulberry32: small, fast, good enough for demo data (not for anything secret). */
export function rng(stream: string): Rng {
  let state = seedOf(stream);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error(`rng(${stream}).pick: empty list`);
    return items[int(0, items.length - 1)] as T;
  };
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick,
    weighted<T>(items: readonly T[], weights: readonly number[]): T {
      const total = weights.reduce((a, b) => a + b, 0);
      let r = next() * total;
      for (let i = 0; i < items.length; i++) {
        r -= weights[i] ?? 0;
        if (r < 0) return items[i] as T;
      }
      return items[items.length - 1] as T;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(0, i);
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy;
    },
  };
}

/**
 * A stable UUID for a seed entity key such as `person:17` (name-based, RFC 4122 version 5 layout
 * over SHA-1), so demo links and fixtures stay the same across machines and reruns.
 */
export function seedUuid(key: string): string {
  const h = createHash('sha1').update(`${SEED_SALT}:${key}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A random-looking but reproducible token (base64url). Only for demo data: anyone who reads this
 * file can recompute it, which is fine for fictitious certificates and nothing else.
 */
export function seedToken(key: string, length = 22): string {
  return createHash('sha256').update(`${SEED_SALT}:token:${key}`).digest('base64url').slice(0, length);
}
