import { DOMAIN_ERROR_CODES, DomainError } from '@vtc/domain';
import { errorDetails } from '../../routes/file-http.ts';
import { builder } from '../builder.ts';

/**
 * Expected failures are typed results: every mutation's result union includes DomainError, which
 * carries a stable `code`, a message in English and Chinese, and where it applies the field (and row).
 * Unexpected failures are GraphQL errors masked as "internal error" with a correlation id (server.ts).
 * The HTTP routes answer the same codes, texts and details in their JSON error body (routes/file-http.ts).
 */
export const ErrorCode = builder.enumType('ErrorCode', { values: DOMAIN_ERROR_CODES });

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  fields: (t) => ({
    message: t.exposeString('message'),
  }),
});

builder.objectType(DomainError, {
  name: 'DomainError',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof DomainError,
  fields: (t) => ({
    code: t.field({ type: ErrorCode, resolve: (e) => e.code }),
    messageZh: t.string({ resolve: (e) => e.localized.zh }),
    field: t.string({ nullable: true, resolve: (e) => errorDetails(e).field ?? null }),
    row: t.int({ nullable: true, resolve: (e) => errorDetails(e).row ?? null }),
  }),
});
