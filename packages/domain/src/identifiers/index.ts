export * from './credit-code';
export * from './occupation-code';
export * from './region-code';
export * from './resident-id';
