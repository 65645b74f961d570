export * from './attendance';
export * from './completion';
export * from './enrollment';
export * from './filing';
export * from './policy';
export * from './dates';
export * from './corrections';
