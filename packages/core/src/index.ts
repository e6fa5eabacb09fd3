export type * from './backend/backend.js';
