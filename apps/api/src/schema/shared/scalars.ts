import { isoDate } from '@vtc/domain';
import { GraphQLError } from 'graphql';
import { builder } from '../builder.ts';

/**
 * A value of the wrong JSON type cannot become a scalar at all: graphql-js refuses the request before
 * execution, and server.ts answers it as a top-level error with `code: VALIDATION`, the field and
 * both texts. A string of the right type but an impossible value (2026-02-30) passes here and is
 * refused by the input guard (input-guard.ts) as a DomainError naming the field, which a field with
 * a result union answers as its DomainError member.
 */
const notOfType = (en: string, zh: string) => new GraphQLError(en, { extensions: { code: 'VALIDATION', messageZh: zh } });

builder.scalarType('DateTime', {
  description: 'An instant, ISO 8601 in UTC, e.g. 2026-11-22T04:53:10.000Z',
  serialize: (d) => (d instanceof Date ? d.toISOString() : String(d)),
  parseValue: (v) => {
    const d = typeof v === 'string' ? new Date(v) : new Date(Number.NaN);
    if (Number.isNaN(d.getTime())) throw notOfType('DateTime must be an ISO 8601 string', '时间应为 ISO 8601 格式的字符串');
    return d;
  },
});

builder.scalarType('Date', {
  description: 'A calendar date (Asia/Shanghai business date), YYYY-MM-DD',
  serialize: (d) => (d instanceof Date ? isoDate(d) : String(d)),
  // Literals in a query come here too (graphql-js parses them as values when no parseLiteral is given).
  parseValue: (v) => {
    if (typeof v !== 'string') throw notOfType('Date must be YYYY-MM-DD (a string)', '日期应为 YYYY-MM-DD 格式的字符串');
    return v;
  },
});
