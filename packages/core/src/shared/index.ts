export * from './access.ts';
export * from './actor.ts';
export * from './audit.ts';
export * from './outbox.ts';
export * from './pii.ts';
export * from './scope.ts';
export * from './serial.ts';
export * from './clock.ts';
