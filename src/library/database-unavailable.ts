// Its own module so that tokenkeeper/fastify can use it without loading the library's database drivers.
export { DATABASE_UNAVAILABLE_ANSWER, isDatabaseUnavailable } from '../db/database-unavailable.js';
