import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { create as createQr } from 'qrcode';
import { createCertificatePayload } from './payload.ts';
import { QrFormatError, decodeQrContent, encodeQrContent, qrModules, toBase64Url } from './qr.ts';
import {
  KeyError,
  formatSignature,
  generateDevelopmentKey,
  parsePublishedKeys,
  parseSignature,
  publicKeyOf,
  signPayload,
  signerFromSeed,
  verifierFor,
} from './signing.ts';
import { type TrustAnchor, verifyQrContent } from './verify.ts';

const BASE = 'https://vtc.linfen.gov.cn';
const seed = Buffer.alloc(32, 3).toString('base64');
const signer = signerFromSeed(seed, 'vtc-2026-01');
const keys = [signer.publicKey];
/** The official site and keys, as a verifier is given them. */
const trust: TrustAnchor = { baseUrl: BASE, keys };

const payload = createCertificatePayload({
  number: 'S123414141002264000123',
  kind: 'SKILL_LEVEL',
  holderName: '欧阳明轩',
  holderResidentId: '141002199001011234',
  occupationCode: '4-10-01-05',
  occupationName: '养老护理员',
  level: 'LEVEL_4',
  issuerName: '临汾市职业技能鉴定指导中心',
  issuerCode: '12141000MB1234567X',
  issuedOn: '2026-11-22',
});
const signed = signPayload(payload, signer);
const content = encodeQrContent({ baseUrl: BASE, number: payload.number, canonical: signed.canonical, signature: signed.signature });

/** QR content with the payload and signature bytes replaced. */
function withBytes(p: Uint8Array, s: Uint8Array, keyId = 'vtc-2026-01'): string {
  return `${BASE}/verify/${payload.number}#${toBase64Url(p)}.${toBase64Url(s)}.${keyId}`;
}

describe('Ed25519 signing', () => {
  it('matches RFC 8032 test vector 1', () => {
    const s = signerFromSeed(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex').toString('base64'), 'rfc8032');
    expect(Buffer.from(s.publicKey.publicKey, 'base64').toString('hex')).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    expect(Buffer.from(s.sign(new Uint8Array(0))).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('is deterministic and records the key id', () => {
    expect(signed.signature.keyId).toBe('vtc-2026-01');
    expect(signed.signature.algorithm).toBe('Ed25519');
    expect(Buffer.from(signPayload(payload, signer).signature.value).equals(Buffer.from(signed.signature.value))).toBe(true);
    expect(signer.verify(signed.canonical, signed.signature.value)).toBe(true);
  });

  it('publishes the public key as { keyId, algorithm, publicKey }', () => {
    expect(publicKeyOf(signer)).toEqual({ keyId: 'vtc-2026-01', algorithm: 'Ed25519', publicKey: expect.any(String) });
    expect(publicKeyOf(seed, 'vtc-2026-01')).toEqual(signer.publicKey);
    expect(Buffer.from(signer.publicKey.publicKey, 'base64')).toHaveLength(32);
    expect(parsePublishedKeys(JSON.stringify(signer.publicKey))).toEqual([signer.publicKey]);
    expect(parsePublishedKeys(JSON.stringify([signer.publicKey]))).toEqual([signer.publicKey]);
    expect(() => parsePublishedKeys('{"keyId":"k","algorithm":"RSA","publicKey":"AA=="}')).toThrow(KeyError);
    expect(verifierFor(signer.publicKey).verify(signed.canonical, signed.signature.value)).toBe(true);
  });

  it('generates development keys that work', () => {
    const k = generateDevelopmentKey('dev-test');
    expect(Buffer.from(k.seed, 'base64')).toHaveLength(32);
    const s = signerFromSeed(k.seed, k.keyId);
    expect(s.publicKey).toEqual(k.publicKey);
    expect(generateDevelopmentKey().seed).not.toBe(k.seed);
  });

  it('refuses bad seeds and key ids', () => {
    expect(() => signerFromSeed(Buffer.alloc(31).toString('base64'), 'k')).toThrow(KeyError);
    expect(() => signerFromSeed('not base64!', 'k')).toThrow(KeyError);
    expect(() => signerFromSeed(seed, 'has.dot')).toThrow(KeyError);
    expect(() => signerFromSeed(seed, '')).toThrow(KeyError);
  });

  it('stores a signature as one string and reads it back', () => {
    const text = formatSignature(signed.signature);
    expect(text).toMatch(/^Ed25519:vtc-2026-01:[A-Za-z0-9_-]{86}$/);
    const back = parseSignature(text);
    expect(back.keyId).toBe('vtc-2026-01');
    expect(Buffer.from(back.value).equals(Buffer.from(signed.signature.value))).toBe(true);
    expect(() => parseSignature('SM9:k:AAAA')).toThrow(KeyError);
  });
});

describe('QR content', () => {
  it('is the verification URL with the signed payload in the fragment', () => {
    expect(content.startsWith(`${BASE}/verify/S123414141002264000123#`)).toBe(true);
    const parts = decodeQrContent(content);
    expect(parts.baseUrl).toBe(BASE);
    expect(parts.number).toBe(payload.number);
    expect(parts.keyId).toBe('vtc-2026-01');
    expect(Buffer.from(parts.payload).equals(Buffer.from(signed.canonical))).toBe(true);
    expect(Buffer.from(parts.signature).equals(Buffer.from(signed.signature.value))).toBe(true);
  });

  it('fits a small QR symbol at level M (length measured here)', () => {
    const m = qrModules(content);
    // Realistic skill-level payload (4-character name, 13-character issuer): 619 characters, version 19.
    expect(content.length).toBeLessThan(650);
    expect(m.version).toBeLessThanOrEqual(20);
    expect(m.size).toBe(17 + 4 * m.version);
  });

  it('fits even when every field has its maximum length', () => {
    const worst = createCertificatePayload({
      number: 'J'.repeat(40),
      kind: 'COMPETITION_AWARD',
      holderName: '名'.repeat(50),
      holderIdMasked: '141002********1234',
      occupationCode: '6-18-02-04-01-XXXXXXXXXX',
      occupationName: '职'.repeat(60),
      level: 'LEVEL_1',
      issuerName: '机'.repeat(60),
      issuerCode: 'X'.repeat(24),
      issuedOn: '2026-11-22',
      competitionName: '赛'.repeat(80),
      award: 'MERIT',
      rank: 99_999,
    });
    const s = signPayload(worst, signer);
    const c = encodeQrContent({ baseUrl: 'https://vtc.example.gov.cn', number: worst.number, canonical: s.canonical, signature: s.signature });
    expect(c.length).toBe(1712);
    expect(qrModules(c).version).toBe(34);
    expect(verifyQrContent(c, keys).status).toBe('VALID');
  });

  it('builds the same symbol as the qrcode library (fast mask choice)', () => {
    for (const c of [content, `${content}x`, `${BASE}/verify/JY-1#${'A'.repeat(300)}.B.k`, 'short']) {
      const ref = createQr([{ data: Buffer.from(c, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M' });
      const mine = qrModules(c);
      expect(mine.maskPattern).toBe(ref.maskPattern);
      expect(Buffer.from(mine.data).equals(Buffer.from(ref.modules.data))).toBe(true);
    }
  });

  it.each([
    ['no fragment', `${BASE}/verify/S1`],
    ['not a verify URL', `${BASE}/other/S1#a.b.c`],
    ['two parts', `${BASE}/verify/S1#abcd.efgh`],
    ['bad base64url', `${BASE}/verify/S1#ab+d.efgh.k`],
    ['non-canonical base64url', `${BASE}/verify/S1#QR.QQ.k`], // 'QR' decodes to 'A' like 'QQ', with stray bits
    ['bad key id', `${content.slice(0, content.lastIndexOf('.'))}.k!`],
  ])('rejects %s', (_, text) => {
    expect(() => decodeQrContent(text)).toThrow(QrFormatError);
  });
});

describe('verifyQrContent (offline)', () => {
  it('verifies genuine content and returns the signed fields', () => {
    const r = verifyQrContent(content, trust);
    expect(r.status).toBe('VALID');
    expect(r.payload).toEqual(payload);
    expect(r.keyId).toBe('vtc-2026-01');
    expect(r.url).toBe(`${BASE}/verify/S123414141002264000123`);
    expect(verifyQrContent(`  ${content}\n`, { baseUrl: `${BASE}/`, keys }).status).toBe('VALID');
    expect(verifyQrContent(content, keys, { baseUrl: `${BASE}/` })).toMatchObject({ status: 'VALID', url: r.url });
  });

  it('with a bare key list and no official site checks the signature only and returns no URL to trust', () => {
    const r = verifyQrContent(content, keys);
    expect(r).toMatchObject({ status: 'VALID', payload });
    expect(r.url).toBeUndefined();
  });

  it('fails for a flipped bit in any byte of the payload or the signature', () => {
    const p = signed.canonical;
    const s = signed.signature.value;
    const statuses = new Set<string>();
    for (let i = 0; i < p.length; i++) {
      const q = p.slice();
      q[i] = q[i]! ^ (1 << (i % 8));
      const r = verifyQrContent(withBytes(q, s), trust);
      expect(r.status).toBe('BAD_SIGNATURE');
      expect(r.payload).toBeUndefined();
      statuses.add(r.status);
    }
    for (let i = 0; i < s.length; i++) {
      const t = s.slice();
      t[i] = t[i]! ^ (1 << (i % 8));
      expect(verifyQrContent(withBytes(p, t), trust).status).toBe('BAD_SIGNATURE');
    }
    expect(verifyQrContent(withBytes(p, s.slice(0, 63)), trust).status).toBe('BAD_SIGNATURE');
    expect([...statuses]).toEqual(['BAD_SIGNATURE']);
  });

  it('fails for a changed character anywhere in the fragment', () => {
    const hash = content.indexOf('#');
    for (let i = hash + 1; i < content.length; i++) {
      const ch = content[i]!;
      const replacement = ch === 'A' ? 'B' : ch === '.' ? '_' : 'A';
      const r = verifyQrContent(content.slice(0, i) + replacement + content.slice(i + 1), trust);
      expect(r.status).not.toBe('VALID');
    }
  });

  it('says UNKNOWN_KEY for a key id nobody published', () => {
    const r = verifyQrContent(withBytes(signed.canonical, signed.signature.value, 'vtc-2030-01'), trust);
    expect(r).toMatchObject({ status: 'UNKNOWN_KEY', keyId: 'vtc-2030-01' });
    expect(verifyQrContent(content, { baseUrl: BASE, keys: [] }).status).toBe('UNKNOWN_KEY');
  });

  it('says BAD_SIGNATURE for a key id whose key did not sign it', () => {
    const other = generateDevelopmentKey('vtc-2026-01').publicKey;
    expect(verifyQrContent(content, { baseUrl: BASE, keys: [other] }).status).toBe('BAD_SIGNATURE');
  });

  it('says MALFORMED for non-certificate content or another number in the URL', () => {
    expect(verifyQrContent('https://example.com/', trust).status).toBe('MALFORMED');
    expect(verifyQrContent(content.replace('/verify/S123414141002264000123', '/verify/S123414141002264000124'), trust).status).toBe(
      'MALFORMED',
    );
  });

  it('says MALFORMED for signed bytes that are not a canonical payload', () => {
    const bytes = new TextEncoder().encode('{"v":1}');
    const sig = signer.sign(bytes);
    expect(verifyQrContent(withBytes(bytes, sig), trust).status).toBe('MALFORMED');
  });
});

describe('verifyQrContent pins the official site and keys', () => {
  const EVIL = 'https://vtc-linfen-gov.cn.example.net';
  /** The genuine signed fragment behind another site. */
  const onHost = (base: string) => content.replace(BASE, base);

  it('refuses a genuine signature behind a swapped host, and points at the official page instead', () => {
    const swapped = onHost(EVIL);
    // The signature alone is genuine: a key list without a site cannot tell.
    expect(verifyQrContent(swapped, keys).status).toBe('VALID');
    const r = verifyQrContent(swapped, trust);
    expect(r.status).toBe('NOT_OFFICIAL');
    expect(r.payload).toBeUndefined();
    expect(r.url).toBe(`${BASE}/verify/S123414141002264000123`);
    expect(r.reason).toContain(BASE);
    expect(JSON.stringify(r)).not.toContain('example.net');
  });

  it.each([
    ['a look-alike host', 'https://vtc.linfen.gov.cn.example.net'],
    ['user info before another host', 'https://vtc.linfen.gov.cn@example.net'],
    ['plain http', 'http://vtc.linfen.gov.cn'],
    ['another port', 'https://vtc.linfen.gov.cn:8443'],
    ['a path below the site', 'https://vtc.linfen.gov.cn/evil'],
    ['a path that climbs back', 'https://vtc.linfen.gov.cn/x/..'],
    ['upper-case spelling', 'https://VTC.linfen.gov.cn'],
  ])('refuses %s', (_, base) => {
    const r = verifyQrContent(onHost(base), trust);
    expect(r).toMatchObject({ status: 'NOT_OFFICIAL', url: `${BASE}/verify/S123414141002264000123` });
    expect(r.payload).toBeUndefined();
  });

  it('refuses a forged signature on the official site', () => {
    // Someone else's key under the official key id, and the official URL.
    const forger = signerFromSeed(Buffer.alloc(32, 9).toString('base64'), 'vtc-2026-01');
    const forged = signPayload({ ...payload, holderName: '王五' }, forger);
    const qr = encodeQrContent({ baseUrl: BASE, number: payload.number, canonical: forged.canonical, signature: forged.signature });
    expect(verifyQrContent(qr, trust)).toMatchObject({ status: 'BAD_SIGNATURE', url: `${BASE}/verify/S123414141002264000123` });
    // A key of their own, under a key id the official list lacks.
    const own = signerFromSeed(Buffer.alloc(32, 9).toString('base64'), 'vtc-2099-01');
    const mine = signPayload(payload, own);
    const qr2 = encodeQrContent({ baseUrl: BASE, number: payload.number, canonical: mine.canonical, signature: mine.signature });
    expect(verifyQrContent(qr2, trust).status).toBe('UNKNOWN_KEY');
  });

  it('accepts another site only when asked explicitly, and then points at that site', () => {
    const STAGING = 'https://staging.vtc.linfen.gov.cn';
    expect(verifyQrContent(onHost(STAGING), trust).status).toBe('NOT_OFFICIAL');
    expect(verifyQrContent(onHost(STAGING), trust, { alsoAcceptBaseUrls: [`${STAGING}/`] })).toMatchObject({
      status: 'VALID',
      url: `${STAGING}/verify/S123414141002264000123`,
    });
  });

  it('throws for an official base URL that is not an http(s) URL (a setup mistake, not a verdict)', () => {
    expect(() => verifyQrContent(content, { baseUrl: 'ftp://vtc.linfen.gov.cn', keys })).toThrow(QrFormatError);
  });
});

describe('vtc-verify-certificate (bin/verify.mjs)', () => {
  const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
  const dir = mkdtempSync(path.join(tmpdir(), 'vtc-verify-'));
  const keyFile = path.join(dir, 'keys.json');
  writeFileSync(keyFile, JSON.stringify(keys));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the CLI with only the given settings in its environment. */
  function cli(args: string[], env: Record<string, string> = {}) {
    const r = spawnSync(process.execPath, ['packages/certificates/bin/verify.mjs', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  it('verifies genuine content against the official site and keys from the settings', () => {
    const r = cli([content], { VERIFY_BASE_URL: BASE, VERIFY_KEYS_FILE: keyFile });
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toContain('VALID');
    expect(r.out).toContain(`${BASE}/verify/S123414141002264000123`);
  }, 30_000);

  it('flags a swapped host as NOT_OFFICIAL and never prints its URL', () => {
    const r = cli([content.replace(BASE, 'https://vtc-linfen-gov.cn.example.net'), '--key', keyFile, '--base-url', BASE]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('NOT_OFFICIAL');
    expect(r.out).toContain(`official site: ${BASE}/verify/S123414141002264000123`);
    expect(r.out).not.toContain('example.net');
    expect(r.out).not.toContain('欧阳明轩');
  }, 30_000);

  it('refuses to run without an official site or official keys', () => {
    const noSite = cli([content, '--key', keyFile]);
    expect(noSite.code).toBe(2);
    expect(noSite.err).toContain('no official base URL');
    const noKeys = cli([content], { PUBLIC_URL: BASE });
    expect(noKeys.code).toBe(2);
    expect(noKeys.err).toContain('no official public key');
  }, 30_000);
});
