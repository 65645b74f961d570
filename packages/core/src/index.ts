export * from './actor.ts';
export * from './audit.ts';
export * from './outbox.ts';
export * from './pii.ts';
