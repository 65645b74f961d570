export * from './actor.ts';
export * from './audit.ts';
export * from './auth.ts';
export * from './outbox.ts';
export * from './person.ts';
export * from './pii.ts';
export * from './scope.ts';
export * from './notification.ts';
