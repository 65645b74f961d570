import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import './scalars.ts';
import './errors.ts';
import './reference.ts';
import './organization.ts';
import './person.ts';
import './class.ts';
import './attendance.ts';
import './class-filing.ts';
import './certificate.ts';
import './roster.ts';
import './auth.ts';
import './staff-training.ts';
import './apprenticeship.ts';
import './subsidy.ts';
import './claim-review.ts';
import './payment-batch.ts';
import './employment.ts';
import './employment-checks.ts';

export const schema: GraphQLSchema = builder.toSchema({ sortSchema: true });

export function printSchemaSDL(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
