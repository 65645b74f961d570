export * from './staff-training.ts';
