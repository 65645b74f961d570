export * from './employment';
