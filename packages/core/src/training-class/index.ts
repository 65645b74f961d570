export * from './attendance.ts';
export * from './completion.ts';
export * from './enrollment.ts';
export * from './filing.ts';
export * from './policy.ts';
export * from './corrections.ts';
