import type http from 'node:http';
import { type ClaimUnderNotice, claimsUnderNotice, decodeNoticeCursor, NOTICE_PAGE_MAX } from '@vtc/core';
import type { PrismaClient } from '@vtc/db';
import { DomainError } from '@vtc/domain';
import type { Logger } from 'pino';

/**
 * The public notice page (公示), beside the `claimsUnderNotice` query:
 *   GET /notices/<regionCode>[?after=<cursor>]   claims on notice in the region and below it
 * No login; rate-limited per client like the certificate verification page. It shows only what the
 * notice lists (core/subsidy/notice.ts): claimant, class, masked names, yuan, period, how to object.
 */
export interface NoticeRouteDeps {
  prisma: PrismaClient;
  /** Counts the request against the client's quota; false once spent. */
  noticeRateLimit: () => Promise<boolean>;
  logger?: Logger;
}

const NOTICE_PATH = /^\/notices\/(\d{6})$/;
/** Claims per page of the HTML notice. */
const PAGE_SIZE = Math.min(20, NOTICE_PAGE_MAX);

export function isNoticePath(path: string): boolean {
  return path === '/notices' || NOTICE_PATH.test(path);
}

export async function handleNoticeRequest(req: http.IncomingMessage, res: http.ServerResponse, url: URL, deps: NoticeRouteDeps): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed');
  }
  const m = NOTICE_PATH.exec(url.pathname);
  if (!m) {
    const region = url.searchParams.get('region') ?? '';
    if (/^\d{6}$/.test(region)) {
      res.statusCode = 303;
      res.setHeader('location', `/notices/${region}`);
      return void res.end();
    }
    return send(res, 200, 'text/html; charset=utf-8', layout('公示 Public notice', regionForm('')));
  }
  const regionCode = m[1]!;
  if (!(await deps.noticeRateLimit())) {
    res.setHeader('retry-after', '60');
    return send(res, 429, 'text/html; charset=utf-8', layout('公示 Public notice', '<p class="bad">查询过于频繁,请一分钟后再试 / Too many requests; try again in a minute.</p>'));
  }
  const region = await deps.prisma.region.findUnique({ where: { code: regionCode }, select: { code: true, name: true } });
  if (!region) {
    return send(res, 404, 'text/html; charset=utf-8', layout('公示 Public notice', `${regionForm(regionCode)}<p class="bad">没有此地区 / No such region: ${esc(regionCode)}</p>`));
  }
  let rows: ClaimUnderNotice[];
  try {
    const afterParam = url.searchParams.get('after');
    rows = await claimsUnderNotice(deps.prisma, { regionCode, after: afterParam ? decodeNoticeCursor(afterParam, 'after') : null, limit: PAGE_SIZE + 1 });
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return send(res, 400, 'text/html; charset=utf-8', layout('公示 Public notice', `<p class="bad">${esc(e.localized.zh)} / ${esc(e.localized.en)}</p>`));
  }
  const page = rows.slice(0, PAGE_SIZE);
  const next = rows.length > PAGE_SIZE ? page.at(-1)!.cursor : null;
  res.setHeader('cache-control', 'public, max-age=60');
  return send(res, 200, 'text/html; charset=utf-8', noticePage(region, page, next));
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', type);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
  res.end(body);
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function regionForm(value: string): string {
  return `<form method="get" action="/notices"><label>地区代码 Region code <input name="region" pattern="\\d{6}" maxlength="6" value="${esc(value)}" required></label> <button>查看 Show</button></form>`;
}

function noticePage(region: { code: string; name: string }, claims: readonly ClaimUnderNotice[], next: string | null): string {
  const body =
    claims.length === 0
      ? '<p>目前没有公示中的补贴申领 / No claims are on public notice.</p>'
      : claims
          .map((c) => {
            const persons = c.persons.map((p) => `<tr><td>${esc(p.nameMasked)}</td><td class="num">${esc(p.amountYuan)}</td></tr>`).join('');
            const klass = c.classCode ? `${esc(c.className ?? '')}(${esc(c.classCode)})` : '—';
            return `<section><h2>${esc(c.claimantName)}</h2>
<table class="facts"><tr><th>培训班 Class</th><td>${klass}</td></tr>
<tr><th>地区 Region</th><td>${esc(c.regionName)}(${esc(c.regionCode)})</td></tr>
<tr><th>公示期 Notice period</th><td>${esc(c.noticeStartsOn)} 至 to ${esc(c.noticeEndsOn)}</td></tr>
<tr><th>合计 Total (元 yuan)</th><td class="num">${esc(c.totalYuan)}</td></tr></table>
<table class="persons"><tr><th>姓名 Name</th><th class="num">金额 Amount (元 yuan)</th></tr>${persons}</table>
<p class="object">${esc(c.howToObject.zh)}<br>${esc(c.howToObject.en)}</p></section>`;
          })
          .join('');
  const more = next ? `<p><a href="/notices/${esc(region.code)}?after=${encodeURIComponent(next)}">下一页 Next page</a></p>` : '';
  return layout(`补贴公示 ${region.name}`, `<p>${esc(region.name)}(${esc(region.code)})及下辖地区公示中的职业技能补贴申领 / Subsidy claims on public notice in ${esc(region.name)} and the regions below it.</p>${body}${more}`);
}

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${esc(title)}</title><style>body{font-family:sans-serif;max-width:48em;margin:2em auto;padding:0 1em}
section{border-top:1px solid #ddd;padding:.5em 0}th{text-align:left;padding-right:1em;color:#555;font-weight:normal}.num{text-align:right}
.bad{color:#b42318;font-size:1.2em}.object{color:#444;font-size:.95em}</style>
</head><body><h1>职业技能补贴公示 Public notice of subsidy claims</h1>${body}</body></html>`;
}
