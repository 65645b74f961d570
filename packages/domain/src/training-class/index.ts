export * from './attendance';
export * from './enrollment';
export * from './filing';
export * from './policy';
