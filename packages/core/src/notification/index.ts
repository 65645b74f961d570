export * from './notification.ts';
export * from './sender.ts';
