export * from './checks.ts';
export * from './evidence.ts';
export * from './scorecards.ts';
