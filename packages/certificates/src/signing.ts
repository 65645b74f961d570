import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { type CertificatePayload, canonicalPayload } from './payload.ts';

/**
 * Signatures over the canonical payload bytes (payload.ts), with the key id carried beside
 * every signature so keys can be rotated and old certificates still verify.
 *
 * Algorithm-agnostic by design: everything outside this file sees only `Signer`/`Verifier`
 * and the published key `{ keyId, algorithm, publicKey }`. To move to the national SM2
 * algorithm (GB/T 32918 with SM3, signer id per GB/T 35276):
 *   1. add 'SM2' to SIGNATURE_ALGORITHMS;
 *   2. write `sm2Signer(privateKey, keyId): Signer` (a maintained SM2 library, or the client of
 *      an HSM / 密码机 that holds the key — if that client is asynchronous, let `sign` return a
 *      Promise and await it in `signPayload`, its only caller) and an 'SM2' case in `verifierFor`
 *      (publicKey = the 65-byte uncompressed point, base64);
 *   3. issue new certificates with a new key id (`CERT_KEY_ID`) and publish the SM2 key beside
 *      the Ed25519 one. Verifiers take the algorithm from the published key named by the key id
 *      in the QR code, so certificates already issued with Ed25519 keep verifying.
 * The payload, the QR format and the PDF do not change.
 */

export const SIGNATURE_ALGORITHMS = ['Ed25519'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** Key ids travel in QR codes and URLs: short, URL-safe, no dots (the QR separator). */
export const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export interface Verifier {
  readonly algorithm: SignatureAlgorithm;
  readonly keyId: string;
  /** False for any wrong, malformed or truncated signature; never throws on bad input. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface Signer extends Verifier {
  sign(message: Uint8Array): Uint8Array;
  /** The key to publish for verifiers. */
  readonly publicKey: PublishedPublicKey;
}

/** The published-public-key format (`public-key.json`, served at e.g. /.well-known/vtc-certificate-keys.json as an array). */
export interface PublishedPublicKey {
  keyId: string;
  algorithm: SignatureAlgorithm;
  /** Standard base64 of the raw public key (32 bytes for Ed25519). */
  publicKey: string;
}

/** A signature as stored with the certificate (Certificate.signature) and printed in the QR code. */
export interface CertificateSignature {
  algorithm: SignatureAlgorithm;
  keyId: string;
  /** The signature bytes (64 for Ed25519). */
  value: Uint8Array;
}

export class KeyError extends Error {
  override readonly name = 'KeyError';
}

function checkKeyId(keyId: string): string {
  if (!KEY_ID.test(keyId)) throw new KeyError('a key id is 1–32 characters of A–Z a–z 0–9 _ -');
  return keyId;
}

/** Strict standard-base64 decoding (Buffer.from silently skips bad characters). */
function decodeBase64(value: string, what: string): Uint8Array {
  const v = value.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) throw new KeyError(`${what} is not base64`);
  const bytes = Buffer.from(v, 'base64');
  if (bytes.toString('base64') !== v) throw new KeyError(`${what} is not canonical base64`);
  return new Uint8Array(bytes);
}

function ed25519Verifier(keyId: string, publicKey: Uint8Array): Verifier {
  if (publicKey.length !== 32) throw new KeyError('an Ed25519 public key is 32 bytes');
  const pk = publicKey.slice();
  return {
    algorithm: 'Ed25519',
    keyId,
    verify(message, signature) {
      if (signature.length !== 64) return false;
      try {
        // zip215: false → RFC 8032 / FIPS 186-5 strict rules (no non-canonical encodings).
        return ed25519.verify(signature, message, pk, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}

/**
 * The signer for config `CERT_SIGNING_KEY` (base64 of a 32-byte Ed25519 seed, i.e. the RFC 8032
 * private key) and `CERT_KEY_ID`.
 */
export function signerFromSeed(seedB64: string, keyId: string): Signer {
  checkKeyId(keyId);
  const seed = decodeBase64(seedB64, 'the signing key');
  if (seed.length !== 32) throw new KeyError('the signing key must be a 32-byte seed, base64-encoded');
  const publicKey = ed25519.getPublicKey(seed);
  const verifier = ed25519Verifier(keyId, publicKey);
  const published: PublishedPublicKey = Object.freeze({
    keyId,
    algorithm: 'Ed25519',
    publicKey: Buffer.from(publicKey).toString('base64'),
  });
  return {
    algorithm: 'Ed25519',
    keyId,
    publicKey: published,
    verify: verifier.verify,
    sign(message) {
      return ed25519.sign(message, seed);
    },
  };
}

/** The published public key of a signer, or of a base64 seed. */
export function publicKeyOf(signer: Signer): PublishedPublicKey;
export function publicKeyOf(seedB64: string, keyId: string): PublishedPublicKey;
export function publicKeyOf(source: Signer | string, keyId?: string): PublishedPublicKey {
  if (typeof source === 'string') return signerFromSeed(source, keyId ?? '').publicKey;
  return { ...source.publicKey };
}

/** A verifier for one published key; throws KeyError for a malformed key or unknown algorithm. */
export function verifierFor(key: PublishedPublicKey): Verifier {
  if (typeof key !== 'object' || key === null) throw new KeyError('a published key is an object');
  checkKeyId(String(key.keyId));
  switch (key.algorithm) {
    case 'Ed25519':
      return ed25519Verifier(key.keyId, decodeBase64(String(key.publicKey), 'publicKey'));
    default:
      throw new KeyError(`unsupported signature algorithm ${JSON.stringify((key as { algorithm: unknown }).algorithm)}`);
  }
}

/** Parses `public-key.json`: one published key or an array of them. */
export function parsePublishedKeys(json: string): PublishedPublicKey[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new KeyError('the public key file is not JSON');
  }
  const list = Array.isArray(value) ? value : [value];
  for (const k of list) verifierFor(k as PublishedPublicKey);
  return list as PublishedPublicKey[];
}

/**
 * A fresh key for development and tests: `CERT_SIGNING_KEY=<seed>` `CERT_KEY_ID=<keyId>` and the
 * public key to publish. Production keys are generated the same way on an offline machine (or
 * inside an HSM) and the seed kept in the secret store, never in the repository.
 */
export function generateDevelopmentKey(keyId = `dev-${new Date().toISOString().slice(0, 10)}`): {
  seed: string;
  keyId: string;
  publicKey: PublishedPublicKey;
} {
  const seed = randomBytes(32).toString('base64');
  return { seed, keyId, publicKey: signerFromSeed(seed, keyId).publicKey };
}

/** The signed payload: its canonical bytes and the signature (deterministic: same payload, same bytes). */
export interface SignedCertificate {
  payload: CertificatePayload;
  canonical: Uint8Array;
  signature: CertificateSignature;
}

export function signPayload(payload: CertificatePayload, signer: Signer): SignedCertificate {
  const canonical = canonicalPayload(payload);
  return {
    payload,
    canonical,
    signature: { algorithm: signer.algorithm, keyId: signer.keyId, value: signer.sign(canonical) },
  };
}

/**
 * One-string form for the Certificate.signature column: `<algorithm>:<keyId>:<base64url signature>`,
 * e.g. `Ed25519:vtc-2026-01:3q2-…` (86 characters of signature).
 */
export function formatSignature(sig: CertificateSignature): string {
  return `${sig.algorithm}:${checkKeyId(sig.keyId)}:${Buffer.from(sig.value).toString('base64url')}`;
}

export function parseSignature(value: string): CertificateSignature {
  const m = /^([A-Za-z0-9]+):([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]+)$/.exec(value);
  if (!m || !(SIGNATURE_ALGORITHMS as readonly string[]).includes(m[1]!)) throw new KeyError('not a stored certificate signature');
  const bytes = Buffer.from(m[3]!, 'base64url');
  if (bytes.toString('base64url') !== m[3]) throw new KeyError('not a stored certificate signature');
  return { algorithm: m[1] as SignatureAlgorithm, keyId: m[2]!, value: new Uint8Array(bytes) };
}
