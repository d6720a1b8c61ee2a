// Its own module so that tokenkeeper/fastify can use it without loading the library's database drivers.
export { isDatabaseUnavailable } from '../db/database-unavailable.js';
