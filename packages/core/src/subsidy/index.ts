export * from './calendar.ts';
export * from './claim-filing.ts';
export * from './objection.ts';
export * from './payment-batch.ts';
export * from './review.ts';
