import type { FastifyInstance } from 'fastify';
import { TokenkeeperError } from '../../client/errors.js';
import { loadAccountView } from '../account-view.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { currentUser } from '../current-user.js';

/** GET /api/me: the signed-in user and their connections, never a token value. */
export async function apiRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  app.get('/api/me', { config: { replies: 'json' } }, async (request, reply) => {
    const user = currentUser(request);
    if (!user) throw new TokenkeeperError('unauthorized', 'Sign in first.');
    const view = await loadAccountView(deps.database.db, deps.tokenStore, deps.registry, user);
    const now = deps.now();
    reply.header('cache-control', 'no-store');
    return {
      user: {
        id: user.id,
        username: user.username,
        name: user.name,
        email: user.email,
        emailVerified: user.emailVerified,
        provider: user.provider,
        isTokenUser: user.isTokenUser,
        isStaff: user.isStaff,
        dateJoined: user.dateJoined,
        lastLogin: user.lastLogin,
      },
      connections: view.connections.map((c) => ({
        provider: c.provider,
        subject: c.subject,
        status: c.status,
        needsReauth: c.status === 'needs_reauth',
        scope: c.scope,
        expiresAt: c.expiresAt,
        expiresIn: c.expiresAt === null ? null : c.expiresAt - now,
        hasRefreshToken: c.hasRefreshToken,
        refreshTokenExpiresAt: c.refreshTokenExpiresAt,
        lastRefreshedAt: c.lastRefreshedAt,
        lastError: c.lastError,
      })),
    };
  });
}
