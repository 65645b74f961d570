export * from './calendar-date';
export * from './errors';
