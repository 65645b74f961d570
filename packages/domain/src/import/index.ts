export * from './contribution';
export * from './roster';
export * from './table';
