export type { Ref } from './reference.js';
export type { Tolerance } from './options.js';
