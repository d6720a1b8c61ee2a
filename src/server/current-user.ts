import type { FastifyRequest } from 'fastify';
import type { User } from '../db/user.repository.js';

/** The signed-in, active user of this request (read together with the session), or null. */
export function currentUser(request: FastifyRequest): User | null {
  const user = request.session?.user;
  return user && user.isActive ? user : null;
}
