export * from './api';
export * from './kinds';
export * from './settings';
