import type { Prisma, PrismaClient } from '@vtc/db';
import { isUuid } from '@vtc/db';
import { DomainError, isCalendarDate, isoDate, isRegionCode, type PublicNoticeEntry, publicNoticeEntry, regionScopePrefix } from '@vtc/domain';

/**
 * The public notice (公示) as a public read: claims in PUBLIC_NOTICE of a region and every region
 * below it, ordered by the notice's last day then id, each reduced to what the notice shows (domain
 * publicNoticeEntry: claimant, class, masked names, yuan, period, how to object). No login; the
 * callers (GraphQL `claimsUnderNotice`, the /notices page) rate-limit per client.
 */

/** Rows per page of the public list. */
export const NOTICE_PAGE_MAX = 50;

export interface NoticeCursor {
  endsOn: string;
  id: string;
}

export const encodeNoticeCursor = (c: NoticeCursor) => Buffer.from(`${c.endsOn}|${c.id}`).toString('base64url');

/** The cursor, or VALIDATION on `field` when it is not one of ours. */
export function decodeNoticeCursor(value: string, field: string): NoticeCursor {
  const [endsOn, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (!endsOn || !id || !isCalendarDate(endsOn) || !isUuid(id)) {
    throw new DomainError('VALIDATION', { zh: '分页游标无效', en: 'The page cursor is not valid' }, { field });
  }
  return { endsOn, id };
}

export interface ClaimUnderNotice extends PublicNoticeEntry {
  cursor: string;
}

export interface NoticePageArgs {
  regionCode: string;
  after?: NoticeCursor | null;
  before?: NoticeCursor | null;
  /** Rows to read (a caller detecting a next page asks for one more). */
  limit: number;
  /** Backwards (before/last): rows come newest first. */
  inverted?: boolean;
}

export async function claimsUnderNotice(prisma: PrismaClient, args: NoticePageArgs): Promise<ClaimUnderNotice[]> {
  if (!isRegionCode(args.regionCode)) {
    throw new DomainError('VALIDATION', { zh: '地区代码无效(6位数字)', en: 'The region code is not valid (6 digits)' }, { field: 'regionCode' });
  }
  const limit = Math.max(1, Math.min(args.limit, NOTICE_PAGE_MAX + 1));
  const past = (c: NoticeCursor, op: 'gt' | 'lt'): Prisma.SubsidyClaimWhereInput => {
    const d = new Date(`${c.endsOn}T00:00:00Z`);
    return { OR: [{ noticeEndsOn: { [op]: d } }, { noticeEndsOn: d, id: { [op]: c.id } }] };
  };
  const where: Prisma.SubsidyClaimWhereInput = {
    AND: [
      { status: 'PUBLIC_NOTICE', regionCode: { startsWith: regionScopePrefix(args.regionCode) }, noticeStartsOn: { not: null }, noticeEndsOn: { not: null } },
      ...(args.after ? [past(args.after, 'gt')] : []),
      ...(args.before ? [past(args.before, 'lt')] : []),
    ],
  };
  const dir = args.inverted ? 'desc' : 'asc';
  const claims = await prisma.subsidyClaim.findMany({
    where,
    orderBy: [{ noticeEndsOn: dir }, { id: dir }],
    take: limit,
    select: {
      id: true,
      basisRef: true,
      noticeStartsOn: true,
      noticeEndsOn: true,
      claimant: { select: { name: true } },
      claimantPerson: { select: { name: true } },
      region: { select: { code: true, name: true } },
      lines: {
        where: { status: 'ACCEPTED' },
        orderBy: [{ person: { name: 'asc' } }, { id: 'asc' }],
        select: { amountFen: true, person: { select: { name: true } }, enrollment: { select: { classId: true } } },
      },
    },
  });
  const classIds = new Set<string>();
  const classOf = (c: (typeof claims)[number]) => {
    const fromBasis = c.basisRef.startsWith('class:') ? c.basisRef.slice('class:'.length) : null;
    return fromBasis && isUuid(fromBasis) ? fromBasis : (c.lines.find((l) => l.enrollment)?.enrollment?.classId ?? null);
  };
  for (const c of claims) {
    const id = classOf(c);
    if (id) classIds.add(id);
  }
  const classes = new Map(
    (await prisma.trainingClass.findMany({ where: { id: { in: [...classIds] } }, select: { id: true, code: true, name: true } })).map((k) => [k.id, k]),
  );
  return claims.map((c) => {
    const klass = classes.get(classOf(c) ?? '') ?? null;
    const endsOn = isoDate(c.noticeEndsOn!);
    return {
      ...publicNoticeEntry({
        claimant: { organizationName: c.claimant?.name ?? null, personName: c.claimantPerson?.name ?? null },
        klass: klass ? { code: klass.code, name: klass.name } : null,
        region: c.region,
        noticeStartsOn: isoDate(c.noticeStartsOn!),
        noticeEndsOn: endsOn,
        lines: c.lines.map((l) => ({ personName: l.person.name, amountFen: l.amountFen })),
      }),
      cursor: encodeNoticeCursor({ endsOn, id: c.id }),
    };
  });
}
