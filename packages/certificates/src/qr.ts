import { create as createQr, toString as qrToString } from 'qrcode';
import { KEY_ID, type CertificateSignature } from './signing.ts';

/**
 * QR content: the public verification URL, with the signed payload in the URL fragment:
 *
 *   <baseUrl>/verify/<number>#<base64url(canonical payload)>.<base64url(signature)>.<keyId>
 *
 * - A phone camera opens `<baseUrl>/verify/<number>`: the online check (valid / revoked / not
 *   found), which is the only place revocation can be seen.
 * - The fragment is never sent to the server (RFC 3986 §3.5), so the holder's name and masked ID
 *   do not end up in access logs or proxies; the page's script may read it to show the
 *   offline-verified fields beside the server's answer.
 * - An offline verifier (verify.ts, `vtc-verify-certificate`) checks the fragment against the
 *   published key of `<keyId>`. The URL part is not signed: the verifier requires its number to
 *   equal the signed one, and can require the official base URL.
 * - base64url (RFC 4648 §5, no padding) and the key id contain no '.', so '.' separates the parts.
 *
 * Length (measured with encodeQrContent + qrModules, base URL https://vtc.example.gov.cn):
 *   skill level, 4-character name, 13-character issuer   348-byte payload, 620 chars, version 19 (93 modules)
 *   training completion with class name and dates         502-byte payload, 825 chars, version 23 (109 modules)
 *   every field at its maximum length (worst case)       1153-byte payload, 1712 chars, version 34 (153 modules)
 * all at error-correction level M (capacity: 2,331 bytes at version 40-M). Printed 150 pt = 53 mm
 * wide (pdf.ts) that is 0.57 / 0.49 / 0.35 mm per module; phone cameras read ≥ 0.3 mm.
 */

export const QR_ERROR_CORRECTION = 'M' as const;

export class QrFormatError extends Error {
  override readonly name = 'QrFormatError';
}

/** `https://host[:port][/path]` without a trailing slash. */
export function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new QrFormatError(`base URL ${JSON.stringify(baseUrl)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new QrFormatError('base URL must be http(s)');
  if (url.search || url.hash) throw new QrFormatError('base URL must not have a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The public verification page of a certificate (what `GET /verify/<number>` serves). */
export function verificationUrl(baseUrl: string, number: string): string {
  return `${normaliseBaseUrl(baseUrl)}/verify/${encodeURIComponent(number)}`;
}

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Strict base64url: only the alphabet, and only the one canonical encoding of the bytes. */
export function fromBase64Url(value: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(value) || value.length % 4 === 1) return null;
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.toString('base64url') !== value) return null;
  return new Uint8Array(bytes);
}

export interface QrContentParts {
  baseUrl: string;
  number: string;
  /** Canonical payload bytes as carried (not yet verified). */
  payload: Uint8Array;
  signature: Uint8Array;
  keyId: string;
}

export function encodeQrContent(input: {
  baseUrl: string;
  number: string;
  canonical: Uint8Array;
  signature: Pick<CertificateSignature, 'keyId' | 'value'>;
}): string {
  if (!KEY_ID.test(input.signature.keyId)) throw new QrFormatError('bad key id');
  return `${verificationUrl(input.baseUrl, input.number)}#${toBase64Url(input.canonical)}.${toBase64Url(input.signature.value)}.${input.signature.keyId}`;
}

/** Splits QR content into its parts; throws QrFormatError when it is not certificate QR content. */
export function decodeQrContent(content: string): QrContentParts {
  const text = content.trim();
  const hash = text.indexOf('#');
  if (hash < 0) throw new QrFormatError('no signed payload (missing #fragment)');
  const url = text.slice(0, hash);
  const m = /^(https?:\/\/[^?#]*?)\/verify\/([^/?#]+)$/.exec(url);
  if (!m) throw new QrFormatError('not a certificate verification URL');
  let number: string;
  try {
    number = decodeURIComponent(m[2]!);
  } catch {
    throw new QrFormatError('bad certificate number in the URL');
  }
  const parts = text.slice(hash + 1).split('.');
  if (parts.length !== 3) throw new QrFormatError('the fragment must be <payload>.<signature>.<keyId>');
  const [p, s, keyId] = parts as [string, string, string];
  const payload = fromBase64Url(p);
  const signature = fromBase64Url(s);
  if (!payload || payload.length === 0) throw new QrFormatError('payload is not base64url');
  if (!signature || signature.length === 0) throw new QrFormatError('signature is not base64url');
  if (!KEY_ID.test(keyId)) throw new QrFormatError('bad key id');
  return { baseUrl: m[1]!, number, payload, signature, keyId };
}

/** The QR symbol's modules: `dark(row, col)`, row 0 at the top, no quiet zone. */
export interface QrModules {
  size: number;
  version: number;
  maskPattern: number;
  /** size × size, row-major, 1 = dark. */
  data: Uint8Array;
  dark(row: number, col: number): boolean;
}

/**
 * The QR symbol of `content`, byte mode, error-correction level M.
 *
 * Same symbol as `qrcode.create([{ data: content, mode: 'byte' }], { errorCorrectionLevel: 'M' })`
 * (qr.test.ts compares them), several times faster: qrcode picks the mask by applying each of the 8
 * masks to its BitMatrix and scoring it through `get()` calls, which dominated a certificate render.
 * Here qrcode builds the symbol once with mask 0, and the same penalty rules (ISO/IEC 18004 §7.8.3, as
 * qrcode implements them) score the 8 masks on flat arrays. One byte segment: the content is mostly
 * base64url, and letting qrcode optimise segments (a costly search) gives the same version.
 */
export function qrModules(content: string): QrModules {
  const qr = createQr([{ data: Buffer.from(content, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: QR_ERROR_CORRECTION, maskPattern: 0 });
  const { size, data: masked0, reservedBit } = qr.modules;
  const n = size * size;
  const masks = masksFor(qr.version, size, reservedBit);
  const mask0 = masks[0]!;
  const raw = new Uint8Array(n);
  for (let i = 0; i < n; i++) raw[i] = masked0[i]! ^ mask0[i]!;
  let best = new Uint8Array(n);
  let work = new Uint8Array(n);
  let bestPattern = 0;
  let bestPenalty = Number.POSITIVE_INFINITY;
  for (let p = 0; p < 8; p++) {
    const mask = masks[p]!;
    for (let i = 0; i < n; i++) work[i] = raw[i]! ^ mask[i]!;
    setFormatInfo(work, size, p);
    const penalty = qrPenalty(work, size, bestPenalty);
    if (penalty < bestPenalty) {
      bestPenalty = penalty;
      bestPattern = p;
      [best, work] = [work, best];
    }
  }
  const data = best;
  return { size, version: qr.version, maskPattern: bestPattern, data, dark: (row, col) => data[row * size + col] === 1 };
}

/** The 8 mask patterns of a version, 0 on function modules (which depend on the version only): ≤ 40 entries. */
const maskCache = new Map<number, Uint8Array[]>();
function masksFor(version: number, size: number, reserved: Uint8Array): Uint8Array[] {
  let masks = maskCache.get(version);
  if (!masks) {
    masks = [];
    for (let p = 0; p < 8; p++) {
      const m = new Uint8Array(size * size);
      for (let r = 0; r < size; r++) {
        for (let c = 0; c < size; c++) if (!reserved[r * size + c]) m[r * size + c] = maskBit(p, r, c);
      }
      masks.push(m);
    }
    maskCache.set(version, masks);
  }
  return masks;
}

function maskBit(p: number, i: number, j: number): number {
  switch (p) {
    case 0:
      return (i + j) % 2 === 0 ? 1 : 0;
    case 1:
      return i % 2 === 0 ? 1 : 0;
    case 2:
      return j % 3 === 0 ? 1 : 0;
    case 3:
      return (i + j) % 3 === 0 ? 1 : 0;
    case 4:
      return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0 ? 1 : 0;
    case 5:
      return ((i * j) % 2) + ((i * j) % 3) === 0 ? 1 : 0;
    case 6:
      return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0 ? 1 : 0;
    default:
      return (((i * j) % 3) + ((i + j) % 2)) % 2 === 0 ? 1 : 0;
  }
}

/** 15-bit format information for level M (bits 00) and a mask: BCH(15,5), XOR 0x5412. */
function formatBits(mask: number): number {
  const G15 = 0x537;
  const data = (0 << 3) | mask;
  let d = data << 10;
  for (let bit = 14; bit >= 10; bit--) if (d & (1 << bit)) d ^= G15 << (bit - 10);
  return ((data << 10) | d) ^ 0x5412;
}

/** Writes the format information where qrcode's setupFormatInfo puts it. */
function setFormatInfo(m: Uint8Array, size: number, mask: number): void {
  const bits = formatBits(mask);
  for (let i = 0; i < 15; i++) {
    const mod = (bits >> i) & 1;
    const vRow = i < 6 ? i : i < 8 ? i + 1 : size - 15 + i;
    m[vRow * size + 8] = mod;
    const hCol = i < 8 ? size - i - 1 : i < 9 ? 15 - i : 15 - i - 1;
    m[8 * size + hCol] = mod;
  }
  m[(size - 8) * size + 8] = 1;
}

/**
 * The N1–N4 mask penalty, computed exactly as qrcode 1.5's mask-pattern.js does, in the order
 * cheapest first, giving up (returning Infinity) once it exceeds `bound`.
 */
function qrPenalty(m: Uint8Array, size: number, bound: number): number {
  const n = size * size;
  let dark = 0;
  for (let i = 0; i < n; i++) dark += m[i]!;
  let total = 10 * Math.abs(Math.ceil((dark * 100) / n / 5) - 10);
  let n2 = 0;
  for (let r = 0; r < size - 1; r++) {
    let i = r * size;
    let left = m[i]! + m[i + size]!;
    for (let c = 0; c < size - 1; c++, i++) {
      const right = m[i + 1]! + m[i + 1 + size]!;
      const sum = left + right;
      if (sum === 0 || sum === 4) n2++;
      left = right;
    }
  }
  total += 3 * n2;
  if (total >= bound) return Number.POSITIVE_INFINITY;
  // N1 (runs of ≥ 5) and N3 (1:1:3:1:1 finder-like patterns), along rows then along columns.
  for (let pass = 0; pass < 2; pass++) {
    const rowStep = pass === 0 ? size : 1;
    const colStep = pass === 0 ? 1 : size;
    for (let a = 0; a < size; a++) {
      let i = a * rowStep;
      let last = -1;
      let run = 0;
      let bits = 0;
      for (let b = 0; b < size; b++, i += colStep) {
        const v = m[i]!;
        if (v === last) run++;
        else {
          if (run >= 5) total += run - 2;
          last = v;
          run = 1;
        }
        bits = ((bits << 1) & 0x7ff) | v;
        if (b >= 10 && (bits === 0x5d0 || bits === 0x05d)) total += 40;
      }
      if (run >= 5) total += run - 2;
    }
    if (total >= bound) return Number.POSITIVE_INFINITY;
  }
  return total;
}

/**
 * PDF path operators filling the dark modules, in module units with y pointing down (the caller
 * sets the transform): one `x y w 1 re` per horizontal run, ~2,300 runs for a version-19 symbol.
 * Drawing rectangles keeps the code crisp at any zoom and costs ~1 ms; a PNG would need encoding by
 * `qrcode` and decoding again by pdfkit.
 */
export function qrPathOperators(modules: QrModules): string {
  const ops: string[] = [];
  for (let row = 0; row < modules.size; row++) {
    let col = 0;
    while (col < modules.size) {
      if (!modules.dark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.dark(row, col)) col++;
      ops.push(`${start} ${row} ${col - start} 1 re`);
    }
  }
  return ops.join('\n');
}

/** The same runs as an SVG path `d` (module units), for a web page. */
export function qrSvgPath(content: string): { size: number; d: string } {
  const m = qrModules(content);
  const d: string[] = [];
  for (let row = 0; row < m.size; row++) {
    let col = 0;
    while (col < m.size) {
      if (!m.dark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < m.size && m.dark(row, col)) col++;
      d.push(`M${start} ${row}h${col - start}v1h-${col - start}z`);
    }
  }
  return { size: m.size, d: d.join('') };
}

/** A standalone SVG of the QR code (with the 4-module quiet zone), for the verification page. */
export function qrSvg(content: string): Promise<string> {
  return qrToString(content, { type: 'svg', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: 4 });
}
