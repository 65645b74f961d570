import { isCalendarDate, isoDate } from '@vtc/domain';
import { GraphQLError } from 'graphql';
import { builder } from '../builder.ts';

builder.scalarType('DateTime', {
  description: 'An instant, ISO 8601 in UTC, e.g. 2026-11-22T04:53:10.000Z',
  serialize: (d) => (d instanceof Date ? d.toISOString() : String(d)),
  parseValue: (v) => {
    const d = typeof v === 'string' ? new Date(v) : new Date(Number.NaN);
    if (Number.isNaN(d.getTime())) throw new GraphQLError('DateTime must be an ISO 8601 string');
    return d;
  },
});

builder.scalarType('Date', {
  description: 'A calendar date (Asia/Shanghai business date), YYYY-MM-DD',
  serialize: (d) => (d instanceof Date ? isoDate(d) : String(d)),
  // Literals in a query come here too (graphql-js parses them as values when no parseLiteral is given).
  parseValue: (v) => {
    if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) {
      throw new GraphQLError('Date must be YYYY-MM-DD');
    }
    if (!isCalendarDate(v)) throw new GraphQLError(`Date ${v} does not exist in the calendar`);
    return v;
  },
});
