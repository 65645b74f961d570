import { claimsUnderNotice, type ClaimUnderNotice, decodeNoticeCursor, NOTICE_PAGE_MAX } from '@vtc/core';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { builder } from '../builder.ts';

/**
 * The public notice (公示) without login: claims under notice in a region and below it, with only
 * what the notice shows (core/subsidy/notice.ts, domain publicNoticeEntry). Rate-limited per client
 * with the verification quota (VERIFY_RATE_LIMIT_PER_MINUTE, bucket `notice`).
 */

const NoticePerson = builder.objectRef<ClaimUnderNotice['persons'][number]>('ClaimNoticePerson').implement({
  description: 'A person paid by a claim under notice: the name masked (张*), the amount in yuan.',
  fields: (t) => ({
    nameMasked: t.exposeString('nameMasked', { description: 'Masked: the first character only' }),
    amountYuan: t.exposeString('amountYuan', { description: 'Yuan with two decimals, e.g. "1,900.00"' }),
  }),
});

const ClaimNotice = builder.objectRef<ClaimUnderNotice>('ClaimUnderNotice').implement({
  description: 'A claim on public notice (公示中), as published: no ID numbers, phones or record ids.',
  fields: (t) => ({
    claimantName: t.exposeString('claimantName', { description: 'The institution (or enterprise, college); a person claiming for themself masked' }),
    classCode: t.exposeString('classCode', { nullable: true }),
    className: t.exposeString('className', { nullable: true }),
    regionCode: t.exposeString('regionCode'),
    regionName: t.exposeString('regionName'),
    noticeStartsOn: t.field({ type: 'Date', resolve: (c) => c.noticeStartsOn }),
    noticeEndsOn: t.field({ type: 'Date', description: 'The last day of the notice; objections are taken through it', resolve: (c) => c.noticeEndsOn }),
    totalYuan: t.exposeString('totalYuan'),
    persons: t.field({ type: [NoticePerson], resolve: (c) => c.persons }),
    howToObject: t.string({ description: 'In Chinese', resolve: (c) => c.howToObject.zh }),
    howToObjectEn: t.string({ resolve: (c) => c.howToObject.en }),
  }),
});

const noticePageArgs = z.looseObject({
  first: z.number().int().min(0).max(NOTICE_PAGE_MAX, `at most ${NOTICE_PAGE_MAX} per page / 每页最多 ${NOTICE_PAGE_MAX} 条`).nullish(),
  last: z.number().int().min(0).max(NOTICE_PAGE_MAX, `at most ${NOTICE_PAGE_MAX} per page / 每页最多 ${NOTICE_PAGE_MAX} 条`).nullish(),
});

builder.queryField('claimsUnderNotice', (t) =>
  t.connection(
    {
      type: ClaimNotice,
      skipTypeScopes: true,
      authScopes: { public: true },
      description: 'Public, no login: claims on public notice (公示) in the region and the regions below it, by the last day of the notice. Rate-limited.',
      validate: noticePageArgs,
      args: { regionCode: t.arg.string({ required: true, validate: z.string().regex(/^\d{6}$/, 'must be 6 digits / 应为6位数字') }) },
      resolve: async (_r, args, ctx) => {
        if (!(await ctx.rateLimit('notice', ctx.config.VERIFY_RATE_LIMIT_PER_MINUTE))) {
          throw new GraphQLError('Too many requests for the public notice; try again in a minute / 公示查询过于频繁,请一分钟后再试', {
            extensions: { code: 'RATE_LIMITED', http: { status: 429 } },
          });
        }
        // A malformed cursor is a DomainError VALIDATION naming the argument (a top-level error here: no union).
        const inverted = args.last !== null && args.last !== undefined && (args.first === null || args.first === undefined);
        const size = (inverted ? args.last : args.first) ?? 20;
        const rows = await claimsUnderNotice(ctx.prisma, {
          regionCode: args.regionCode,
          after: args.after ? decodeNoticeCursor(args.after, 'after') : null,
          before: args.before ? decodeNoticeCursor(args.before, 'before') : null,
          limit: size + 1,
          inverted,
        });
        const more = rows.length > size;
        const page = rows.slice(0, size);
        if (inverted) page.reverse();
        return {
          edges: page.map((node) => ({ cursor: node.cursor, node })),
          pageInfo: {
            hasNextPage: inverted ? !!args.before : more,
            hasPreviousPage: inverted ? more : !!args.after,
            startCursor: page[0]?.cursor ?? null,
            endCursor: page.at(-1)?.cursor ?? null,
          },
        };
      },
    },
    { name: 'ClaimUnderNoticeConnection' },
    { name: 'ClaimUnderNoticeEdge' },
  ),
);
