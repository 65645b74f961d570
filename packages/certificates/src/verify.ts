import { type CertificatePayload, PayloadFormatError, parseCanonicalPayload } from './payload.ts';
import { QrFormatError, decodeQrContent, normaliseBaseUrl } from './qr.ts';
import { KeyError, type PublishedPublicKey, type Verifier, verifierFor } from './signing.ts';

/**
 * Offline verification of QR content against published public keys. No network, no database:
 * it proves the printed fields were signed by the holder of `keyId`'s private key. Revocation
 * is only known online (`<baseUrl>/verify/<number>`).
 *
 * Order of checks: format → key → signature → payload. A changed byte in the payload or the
 * signature therefore always ends in BAD_SIGNATURE (or MALFORMED when it breaks the encoding),
 * never in VALID; an unknown key id in UNKNOWN_KEY; and nothing unsigned is returned as a field.
 */

export type VerificationStatus = 'VALID' | 'BAD_SIGNATURE' | 'UNKNOWN_KEY' | 'MALFORMED';

export interface VerificationResult {
  status: VerificationStatus;
  /** Only when VALID: the signed fields. */
  payload?: CertificatePayload;
  /** The key id the content names (when it could be read). */
  keyId?: string;
  /** The online verification URL (when it could be read). */
  url?: string;
  /** Why it is MALFORMED / BAD_SIGNATURE / UNKNOWN_KEY, in English, for logs and the CLI. */
  reason?: string;
}

export interface VerifyOptions {
  /** When set, the QR's URL must start with this base URL (rejects look-alike hosts). */
  baseUrl?: string;
}

/** Builds verifiers once for a set of keys; malformed keys throw KeyError. */
export function verifiersFor(keys: readonly PublishedPublicKey[]): Map<string, Verifier> {
  const map = new Map<string, Verifier>();
  for (const k of keys) {
    const v = verifierFor(k);
    if (map.has(v.keyId)) throw new KeyError(`key id ${v.keyId} is published twice`);
    map.set(v.keyId, v);
  }
  return map;
}

export function verifySignedBytes(
  canonical: Uint8Array,
  signature: Uint8Array,
  keyId: string,
  keys: readonly PublishedPublicKey[] | Map<string, Verifier>,
): VerificationResult {
  const verifiers = keys instanceof Map ? keys : verifiersFor(keys);
  const verifier = verifiers.get(keyId);
  if (!verifier) return { status: 'UNKNOWN_KEY', keyId, reason: `no published key with id ${keyId}` };
  if (!verifier.verify(canonical, signature)) {
    return { status: 'BAD_SIGNATURE', keyId, reason: `the signature does not match the payload for key ${keyId}` };
  }
  try {
    return { status: 'VALID', keyId, payload: parseCanonicalPayload(canonical) };
  } catch (e) {
    if (e instanceof PayloadFormatError) return { status: 'MALFORMED', keyId, reason: e.message };
    throw e;
  }
}

export function verifyQrContent(
  content: string,
  keys: readonly PublishedPublicKey[] | Map<string, Verifier>,
  options: VerifyOptions = {},
): VerificationResult {
  let parts: ReturnType<typeof decodeQrContent>;
  try {
    parts = decodeQrContent(content);
  } catch (e) {
    if (e instanceof QrFormatError) return { status: 'MALFORMED', reason: e.message };
    throw e;
  }
  const url = `${parts.baseUrl}/verify/${encodeURIComponent(parts.number)}`;
  if (options.baseUrl !== undefined && parts.baseUrl !== normaliseBaseUrl(options.baseUrl)) {
    return { status: 'MALFORMED', keyId: parts.keyId, url, reason: `not an official verification URL (${parts.baseUrl})` };
  }
  const result = verifySignedBytes(parts.payload, parts.signature, parts.keyId, keys);
  if (result.status === 'VALID' && result.payload?.number !== parts.number) {
    return { status: 'MALFORMED', keyId: parts.keyId, url, reason: 'the number in the URL differs from the signed number' };
  }
  return { ...result, url };
}
