export * from './apprenticeship.ts';
