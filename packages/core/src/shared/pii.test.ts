import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { maskResidentId } from '@vtc/domain';
import { decryptIdNumber, encryptIdNumber, idNumberHash, idNumberHasher, type PiiKeys, residentIdSealer, sealResidentId } from './pii.ts';

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

  it.each(['141002199005170011', '14100219900517001X', '150802199503094568'])('sealResidentId and residentIdSealer give a decryptable cipher, the keyed hash and the mask of %s', (id) => {
    const sealer = residentIdSealer(keys);
    const many = Array.from({ length: 300 }, () => sealer(id)); // more than one draw of IVs
    for (const sealed of [sealResidentId(keys, id), ...many]) {
      expect(decryptIdNumber(keys, sealed.idNumberCipher)).toBe(id);
      expect(sealed.idNumberHash).toBe(idNumberHash(keys, id));
      expect(sealed.idNumberMasked).toBe(maskResidentId(id));
    }
    expect(new Set(many.map((s) => s.idNumberCipher.split('.')[1])).size).toBe(many.length); // a fresh IV each time
  });
});
