import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { LogoutTokenError, verifyLogoutToken, type LogoutRequest } from '../../client/logout-token.js';
import { findAccount } from '../../db/account.repository.js';
import { claimLogoutToken } from '../../db/logout-token.repository.js';
import type { DatabaseSchema } from '../../db/schema.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { signOutOfProvider } from '../provider-sign-out.js';

interface ProviderParams {
  provider: string;
}

/** Far more than any logout token (a JWT of a few claims); a longer one is refused unread. */
const MAX_LOGOUT_TOKEN_LENGTH = 16_384;

/**
 * Ends the sessions a logout token names: those made by signing in through
 * this provider in its session `sid`, or, with no sid, every one made by
 * signing in through it as that person (`sub`). Returns the users signed out.
 */
async function endSessions(db: Kysely<DatabaseSchema>, deps: Tokenkeeper, provider: string, logout: LogoutRequest, ip: string): Promise<string[]> {
  const audit = { by: 'back-channel logout', ip, at: deps.now() };
  if (logout.providerSessionId !== null) return signOutOfProvider(db, provider, { providerSid: logout.providerSessionId }, audit);
  const account = await findAccount(db, provider, logout.subject ?? '');
  return account ? signOutOfProvider(db, provider, { userId: account.userId }, audit) : [];
}

function refuse(reply: FastifyReply, description: string): FastifyReply {
  // §2.8: 400 with an OAuth-style error body; the provider logs it.
  return reply.code(400).header('cache-control', 'no-store').send({ error: 'invalid_request', error_description: description });
}

/**
 * POST /auth/:provider/backchannel-logout: OpenID Connect Back-Channel Logout
 * 1.0 (https://openid.net/specs/openid-connect-backchannel-1_0.html). The
 * provider posts a logout token when a person's session there ends; the
 * sessions here that signed in through it end too, on every server (each
 * request reads its session from the database). A server-to-server call:
 * no cookie, no CSRF token; the token's signature is what is trusted.
 */
export async function backchannelLogoutRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  app.post<{ Params: ProviderParams }>(
    '/auth/:provider/backchannel-logout',
    { config: { replies: 'json', csrf: false } },
    async (request: FastifyRequest<{ Params: ProviderParams }>, reply: FastifyReply) => {
      const provider = deps.registry.get(request.params.provider); // 404 for an unknown provider
      const field = (request.body as Record<string, unknown> | null | undefined)?.logout_token;
      if (typeof field !== 'string' || field === '') return refuse(reply, 'logout_token is missing: post it as a form field (application/x-www-form-urlencoded)');
      if (field.length > MAX_LOGOUT_TOKEN_LENGTH) return refuse(reply, 'logout_token is too long');
      let logout: LogoutRequest;
      try {
        logout = await verifyLogoutToken(provider, field, deps.now());
      } catch (error) {
        if (!(error instanceof LogoutTokenError)) throw error;
        request.log.warn({ provider: provider.settings.name, reason: error.message }, 'back-channel logout refused: the logout token is not valid');
        return refuse(reply, `the logout token is not valid: ${error.message}`);
      }
      const name = provider.settings.name;
      // Taken and acted on in one transaction: a token is either taken with its sessions ended, or not at all.
      const users = await deps.database.db.transaction().execute(async (trx) => {
        if (!(await claimLogoutToken(trx, name, logout.tokenId, logout.acceptedUntil, deps.now()))) return null;
        return endSessions(trx, deps, name, logout, request.ip);
      });
      if (users === null) {
        // §2.6: a token posted again (a replay, or a retry after a lost answer) ends nothing more, such as sessions signed in since.
        request.log.warn({ provider: name }, 'back-channel logout refused: the logout token was already taken');
        return refuse(reply, 'the logout token was already taken (its jti was seen before)');
      }
      request.log.info({ provider: name, users: users.length }, 'back-channel logout: sessions ended');
      return reply.code(200).header('cache-control', 'no-store').send();
    },
  );
}
