import type http from 'node:http';
import { type Actor, type CertificateSigning, certificatePdf, verifyCertificate } from '@vtc/core';
import type { PrismaClient } from '@vtc/db';
import type { Logger } from 'pino';
import { allowMethods, download, failUnauthenticated, failWith } from './file-http.ts';

/**
 * Certificate routes beside /graphql:
 *   GET /verify/<number>[?name=…]            public verification page (rate-limited, no enumeration)
 *   GET /.well-known/vtc-certificate-keys.json  the published public keys for offline verification
 *   GET /certificates/<id>.pdf              the PDF, for a signed-in user whose scope covers it
 * Errors other than the page's own (no match, rate-limited) answer in the one error body (file-http.ts).
 */
export interface CertificateRouteDeps {
  prisma: PrismaClient;
  signing: CertificateSigning;
  publicUrl: string | undefined;
  actor: () => Promise<Actor | null>;
  /** True while the client may still verify (per client and minute). */
  verifyRateLimit: () => Promise<boolean>;
  logger: Logger;
}

const PDF_PATH = /^\/certificates\/([0-9a-f-]{36})\.pdf$/;
const VERIFY_PATH = /^\/verify\/([^/]{1,60})$/;
export const KEYS_PATH = '/.well-known/vtc-certificate-keys.json';

export function isCertificatePath(path: string): boolean {
  return path === KEYS_PATH || PDF_PATH.test(path) || VERIFY_PATH.test(path);
}

/** The base URL printed in certificates' QR codes: the configured public URL, else this request's host. */
export function baseUrlFor(req: http.IncomingMessage, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  return `http://${req.headers.host ?? 'localhost'}`;
}

export async function handleCertificateRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  deps: CertificateRouteDeps,
): Promise<void> {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
  if (!allowMethods(req, res, ['GET'])) return;
  if (url.pathname === KEYS_PATH) {
    res.setHeader('cache-control', 'public, max-age=3600');
    return send(res, 200, 'application/json', JSON.stringify([deps.signing.publicKey]));
  }
  const pdf = PDF_PATH.exec(url.pathname);
  if (pdf) return downloadPdf(req, res, pdf[1]!, deps);
  const m = VERIFY_PATH.exec(url.pathname)!;
  const number = decodedSegment(m[1]!);
  const name = url.searchParams.get('name');
  res.setHeader('x-robots-tag', 'noindex');
  if (number === null) {
    // Bad percent-encoding (`%E0%A4%A`), NUL or a lone surrogate: no certificate has such a number.
    // Counted like a lookup, so probing with garbage costs the same as probing with numbers.
    if (!(await deps.verifyRateLimit())) {
      res.setHeader('retry-after', '60');
      return send(res, 429, 'text/html; charset=utf-8', page('', 'RATE_LIMITED'));
    }
    return send(res, 400, 'text/html; charset=utf-8', page('', { status: 'NOT_FOUND', certificate: null }));
  }
  if (name === null) return send(res, 200, 'text/html; charset=utf-8', page(number, null));
  if (!(await deps.verifyRateLimit())) {
    res.setHeader('retry-after', '60');
    return send(res, 429, 'text/html; charset=utf-8', page(number, 'RATE_LIMITED'));
  }
  const v = await verifyCertificate(deps.prisma, number, name.slice(0, 40));
  return send(res, 200, 'text/html; charset=utf-8', page(number, v));
}

async function downloadPdf(req: http.IncomingMessage, res: http.ServerResponse, id: string, deps: CertificateRouteDeps) {
  const actor = await deps.actor();
  if (!actor) return failUnauthenticated(res);
  try {
    const c = await certificatePdf(deps.prisma, actor, id, { baseUrl: baseUrlFor(req, deps.publicUrl) });
    return download(res, 'application/pdf', `${c.number}.pdf`, `${c.number}.pdf`, c.pdf, 'private, no-store');
  } catch (err) {
    return failWith(res, err);
  }
}

/** The certificate number of a path segment, or null when it is not well-formed UTF-8 (decodeURIComponent throws) or holds control characters. */
function decodedSegment(segment: string): string | null {
  let text: string;
  try {
    text = decodeURIComponent(segment);
  } catch {
    return null;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  return /[\u0000-\u001f\u007f]/.test(text) ? null : text;
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', type);
  res.end(body);
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(number: string, result: Awaited<ReturnType<typeof verifyCertificate>> | 'RATE_LIMITED' | null): string {
  let body: string;
  if (result === null) {
    body = `<p>请输入持证人姓名以查验证书 / Enter the holder's name to verify this certificate.</p>
      <form method="get"><input name="name" maxlength="40" required autofocus> <button>查验 Verify</button></form>`;
  } else if (result === 'RATE_LIMITED') {
    body = '<p class="bad">查询过于频繁,请一分钟后再试 / Too many requests; try again in a minute.</p>';
  } else if (result.status === 'NOT_FOUND' || !result.certificate) {
    body = '<p class="bad">未查到与该编号和姓名相符的证书 / No certificate matches this number and name.</p>';
  } else {
    const c = result.certificate;
    const rows: Array<[string, string | null | undefined]> = [
      ['证书编号 Number', c.number],
      ['持证人 Holder', c.holderNameMasked],
      ['身份证号 ID number', c.holderIdMasked],
      ['职业(工种) Occupation', c.occupationName ? `${c.occupationName} (${c.occupationCode})` : null],
      ['等级 Level', c.levelName],
      ['发证机构 Issuer', `${c.issuerName} (${c.issuerCode})`],
      ['发证日期 Issued on', c.issuedOn],
      ['培训班 Class', c.classCode ? `${c.className ?? ''} ${c.classCode}` : null],
      ['学时 Hours', c.trainingHours ? String(c.trainingHours) : null],
      ['竞赛 Competition', c.competitionName ? `${c.competitionName} ${c.awardName ?? ''}` : null],
      ['签名密钥 Key', c.signatureKeyId],
    ];
    const status =
      result.status === 'VALID'
        ? '<p class="ok">✔ 证书有效 / Valid</p>'
        : `<p class="bad">✘ 证书已撤销 / Revoked ${esc(c.revokedAt?.slice(0, 10) ?? '')}: ${esc(c.revokeReason ?? '')}</p>`;
    body = `${status}<table>${rows
      .filter(([, v]) => v)
      .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v!)}</td></tr>`)
      .join('')}</table><p class="small">请与纸质证书逐项核对 / Compare every field with the printed certificate.</p>`;
  }
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>证书查验 ${esc(number)}</title><style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}
th{text-align:left;padding-right:1em;color:#555;font-weight:normal}.ok{color:#1a7f37;font-size:1.4em}.bad{color:#b42318;font-size:1.2em}.small{color:#777}</style>
</head><body><h1>职业技能证书查验 Certificate verification</h1><p>${esc(number)}</p>${body}</body></html>`;
}
