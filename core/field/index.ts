export * from './checkin.ts';
export * from './schedule.ts';
