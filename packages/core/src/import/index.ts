export * from './contribution-file.ts';
export * from './contribution-import.ts';
export * from './import-file.ts';
export * from './roster-file.ts';
export * from './roster-import.ts';
export * from './sweep.ts';
export * from './tabular-file.ts';
