import { createCipheriv, createDecipheriv, createHash, createHmac, hash, randomBytes } from 'node:crypto';
import { maskResidentId } from '@vtc/domain';

/**
 * Resident ID numbers are sensitive personal information (PIPL art. 28): stored AES-256-GCM
 * encrypted, looked up by a keyed HMAC-SHA256 (so equal numbers find the same person without
 * decrypting), and shown masked unless the caller may see more and the read is audited.
 */
export interface PiiKeys {
  encryptionKey: Buffer;
  hashKey: Buffer;
}

export function piiKeysFrom(config: { ID_ENCRYPTION_KEY: string; ID_HASH_KEY: string }): PiiKeys {
  return {
    encryptionKey: Buffer.from(config.ID_ENCRYPTION_KEY, 'base64'),
    hashKey: Buffer.from(config.ID_HASH_KEY, 'base64'),
  };
}

/** Keyed lookup hash (hex, 64 chars) of a normalised ID number. */
export function idNumberHash(keys: PiiKeys, idNumber: string): string {
  return createHmac('sha256', keys.hashKey).update(idNumber.toUpperCase()).digest('hex');
}

/**
 * idNumberHash for many numbers with one key (a roster import hashes 100,000): HMAC-SHA256 as RFC 2104
 * defines it, H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), with the padded keys computed once and two one-shot
 * hashes per number instead of an Hmac object (whose native handle the garbage collector must finalise).
 * Same output as idNumberHash.
 */
export function idNumberHasher(keys: PiiKeys): (idNumber: string) => string {
  const key = keys.hashKey.length > 64 ? createHash('sha256').update(keys.hashKey).digest() : keys.hashKey;
  const inner = Buffer.alloc(64 + 64, 0x36);
  const outer = Buffer.alloc(64 + 32, 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i] = key[i]! ^ 0x36;
    outer[i] = key[i]! ^ 0x5c;
  }
  return (idNumber) => {
    const n = inner.write(idNumber.toUpperCase(), 64, 'utf8');
    if (n > 60) return idNumberHash(keys, idNumber); // not an ID number's length: no fast path
    hash('sha256', inner.subarray(0, 64 + n), 'buffer').copy(outer, 64);
    return hash('sha256', outer, 'hex');
  };
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
export function encryptIdNumber(keys: PiiKeys, idNumber: string): string {
  return encryptWithIv(keys, idNumber, randomBytes(12));
}

function encryptWithIv(keys: PiiKeys, idNumber: string, iv: Buffer): string {
  const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, iv);
  const ct = Buffer.concat([cipher.update(idNumber, 'utf8'), cipher.final()]);
  return `v1.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${ct.toString('base64url')}`;
}

/** A resident ID number as Person stores it: encrypted, keyed hash, masked. */
export interface SealedResidentId {
  idNumberCipher: string;
  idNumberHash: string;
  idNumberMasked: string;
}

/** Seal one resident ID number (a validated, upper-case number) for Person. */
export function sealResidentId(keys: PiiKeys, idNumber: string): SealedResidentId {
  return {
    idNumberCipher: encryptIdNumber(keys, idNumber),
    idNumberHash: idNumberHash(keys, idNumber),
    idNumberMasked: maskResidentId(idNumber),
  };
}

const IVS_PER_DRAW = 256;

/**
 * sealResidentId for many numbers with the same keys (an import seals up to 100,000): the hash through
 * idNumberHasher, and the IVs drawn from one randomBytes call per IVS_PER_DRAW numbers, since one
 * randomBytes call per number costs as much as the encryption itself. Same output format.
 */
export function residentIdSealer(keys: PiiKeys): (idNumber: string) => SealedResidentId {
  const hashOf = idNumberHasher(keys);
  let ivs = Buffer.alloc(0);
  let next = 0;
  return (idNumber) => {
    if (next >= ivs.length) {
      ivs = randomBytes(12 * IVS_PER_DRAW);
      next = 0;
    }
    const iv = ivs.subarray(next, next + 12);
    next += 12;
    return { idNumberCipher: encryptWithIv(keys, idNumber, iv), idNumberHash: hashOf(idNumber), idNumberMasked: maskResidentId(idNumber) };
  };
}

export function decryptIdNumber(keys: PiiKeys, sealed: string): string {
  const [v, iv, tag, ct] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || !ct) throw new Error('Unsupported ID number ciphertext');
  const decipher = createDecipheriv('aes-256-gcm', keys.encryptionKey, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
}
