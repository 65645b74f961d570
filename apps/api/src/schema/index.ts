import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import './shared/scalars.ts';
import './shared/errors.ts';
import './shared/reference.ts';
import './organization/organization.ts';
import './person/person.ts';
import './training-class/training-class.ts';
import './training-class/attendance.ts';
import './training-class/completion.ts';
import './training-class/filing.ts';
import './certificate/certificate.ts';
import './import/roster.ts';
import './auth/auth.ts';
import './staff-training/staff-training.ts';
import './apprenticeship/apprenticeship.ts';
import './subsidy/claim.ts';
import './subsidy/review.ts';
import './subsidy/payment-batch.ts';
import './employment/employment.ts';
import './employment/checks.ts';

export const schema: GraphQLSchema = builder.toSchema({ sortSchema: true });

export function printSchemaSDL(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
