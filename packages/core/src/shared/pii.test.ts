import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { decryptIdNumber, encryptIdNumber, idNumberHash, idNumberHasher, type PiiKeys } from './pii.ts';

describe('pii', () => {
  const keys: PiiKeys = { encryptionKey: randomBytes(32), hashKey: randomBytes(32) };

  it('idNumberHasher gives the same keyed hash as idNumberHash, for any key length and input', () => {
    const inputs = ['14100219900517001x', '141002199005170011', '', ' 1 ', '王'.repeat(25), 'x'.repeat(61), 'y'.repeat(200)];
    for (const hashKey of [keys.hashKey, randomBytes(16), randomBytes(64), randomBytes(65), randomBytes(100)]) {
      const k = { ...keys, hashKey };
      const hasher = idNumberHasher(k);
      for (const id of inputs) expect(hasher(id)).toBe(idNumberHash(k, id));
      // Reusing the hasher after a longer input does not leak bytes into a shorter one.
      expect(hasher('141002199005170011')).toBe(idNumberHash(k, '141002199005170011'));
    }
  });

  it('encrypts with a fresh IV every time and decrypts back', () => {
    const a = encryptIdNumber(keys, '141002199005170011');
    const b = encryptIdNumber(keys, '141002199005170011');
    expect(a).not.toBe(b);
    expect(decryptIdNumber(keys, a)).toBe('141002199005170011');
  });
});
