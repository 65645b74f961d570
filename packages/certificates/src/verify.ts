import { type CertificatePayload, PayloadFormatError, parseCanonicalPayload } from './payload.ts';
import { QrFormatError, decodeQrContent, normaliseBaseUrl } from './qr.ts';
import { KeyError, type PublishedPublicKey, type Verifier, verifierFor } from './signing.ts';

/**
 * Offline verification of QR content against the official public keys. No network, no database:
 * it proves the printed fields were signed by the holder of `keyId`'s private key. Revocation
 * is only known online (`<official base URL>/verify/<number>`).
 *
 * The URL part of the QR content is not signed: anyone can copy a genuine fragment behind their
 * own host, and a phone would open their page, which can say "valid" for a revoked certificate.
 * So the verifier is given a TrustAnchor, the official base URL and keys, and a QR code that opens
 * any other site is NOT_OFFICIAL, however good its signature. The URL it returns for the online
 * check is always on the official site, never one taken from an unofficial QR code.
 *
 * Order of checks: format → official site → key → signature → payload. A changed byte in the payload
 * or the signature therefore always ends in BAD_SIGNATURE (or MALFORMED when it breaks the
 * encoding), never in VALID; an unknown key id in UNKNOWN_KEY; and nothing unsigned is returned as
 * a field.
 */

export type VerificationStatus = 'VALID' | 'NOT_OFFICIAL' | 'BAD_SIGNATURE' | 'UNKNOWN_KEY' | 'MALFORMED';

/** What a verifier trusts: the issuing platform's verification site and its published keys. */
export interface TrustAnchor {
  /** The official base URL (the platform's PUBLIC_URL), e.g. `https://vtc.linfen.gov.cn`. */
  baseUrl: string;
  /** The official public keys (`/.well-known/vtc-certificate-keys.json`), old ones included. */
  keys: readonly PublishedPublicKey[] | Map<string, Verifier>;
}

export interface VerificationResult {
  status: VerificationStatus;
  /** Only when VALID: the signed fields. */
  payload?: CertificatePayload;
  /** The key id the content names (when it could be read). */
  keyId?: string;
  /**
   * Where to check revocation online: on the official site (or a base URL accepted explicitly),
   * never a URL of an unofficial QR code. Absent when no official base URL was given.
   */
  url?: string;
  /** Why it is not VALID, in English, for logs and the CLI. */
  reason?: string;
}

export interface VerifyOptions {
  /**
   * Further base URLs accepted as if official: explicit only, for testing or a staging site.
   * Never needed for the platform's own certificates.
   */
  alsoAcceptBaseUrls?: readonly string[];
  /** With a bare key list (no TrustAnchor): the official base URL. */
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

function isTrustAnchor(trust: TrustAnchor | readonly PublishedPublicKey[] | Map<string, Verifier>): trust is TrustAnchor {
  return !Array.isArray(trust) && !(trust instanceof Map) && typeof (trust as TrustAnchor).baseUrl === 'string';
}

/**
 * Verifies QR content against the official site and keys (`trust`). A QR code that opens another
 * site is NOT_OFFICIAL, with `url` the official page of the same number.
 *
 * The older form with a bare key list checks the signature only, unless `options.baseUrl` pins
 * the site; it then returns no `url`, since nothing says the QR's own URL is official.
 * Throws QrFormatError when the official base URL itself is not an http(s) URL.
 */
export function verifyQrContent(content: string, trust: TrustAnchor, options?: Omit<VerifyOptions, 'baseUrl'>): VerificationResult;
export function verifyQrContent(
  content: string,
  keys: readonly PublishedPublicKey[] | Map<string, Verifier>,
  options?: VerifyOptions,
): VerificationResult;
export function verifyQrContent(
  content: string,
  trust: TrustAnchor | readonly PublishedPublicKey[] | Map<string, Verifier>,
  options: VerifyOptions = {},
): VerificationResult {
  const anchored = isTrustAnchor(trust);
  const keys = anchored ? trust.keys : trust;
  const officialBase = anchored ? trust.baseUrl : options.baseUrl;
  const official = officialBase === undefined ? undefined : normaliseBaseUrl(officialBase);
  const accepted = new Set(official === undefined ? [] : [official, ...(options.alsoAcceptBaseUrls ?? []).map(normaliseBaseUrl)]);

  let parts: ReturnType<typeof decodeQrContent>;
  let base: string;
  try {
    parts = decodeQrContent(content);
    base = normaliseBaseUrl(parts.baseUrl);
  } catch (e) {
    if (e instanceof QrFormatError) return { status: 'MALFORMED', reason: e.message };
    throw e;
  }
  const pageOn = (b: string) => `${b}/verify/${encodeURIComponent(parts.number)}`;
  let url: string | undefined;
  if (official !== undefined) {
    if (!accepted.has(base) || parts.baseUrl !== base) {
      return {
        status: 'NOT_OFFICIAL',
        keyId: parts.keyId,
        url: pageOn(official),
        reason: `the QR code does not open the official verification site ${official}: do not trust the page it opens`,
      };
    }
    url = pageOn(base);
  }
  const result = verifySignedBytes(parts.payload, parts.signature, parts.keyId, keys);
  if (result.status === 'VALID' && result.payload?.number !== parts.number) {
    return { status: 'MALFORMED', keyId: parts.keyId, ...(url ? { url } : {}), reason: 'the number in the URL differs from the signed number' };
  }
  return url ? { ...result, url } : result;
}
