/** Entry of dist/undici.js: the part of undici the http transport uses (see undiciOnDemand.ts). */
export { Pool } from 'undici';
