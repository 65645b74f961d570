export * from './reveal-id-number.ts';
