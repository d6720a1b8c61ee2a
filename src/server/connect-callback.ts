import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../client/error-codes.js';
import { TokenkeeperError } from '../client/errors.js';
import {
  completeConnectByExternalId,
  completeConnectForUser,
  completeConnectOnlyForExternalId,
  connectLinkUserId,
  identityOwner,
  incrementalScope,
  openedConnectLink,
  returnUrl,
} from '../core/connect-links.js';
import { completeSignIn } from '../core/sign-in.js';
import type { Tokenkeeper } from '../core/tokenkeeper.js';
import type { ConnectLink } from '../db/connect-link.repository.js';
import { newId } from '../db/database.js';
import type { LoginTransaction } from '../db/login-transaction.repository.js';
import { finishSignInFlow, startSignInFlow } from './sign-in-flow.js';

/**
 * Sends the browser to the link's provider, asking for the union of what
 * the user's connection was granted, the provider's configured scope and the
 * link's extra scope. `userId`: the user it is for, who is signed in in this
 * browser; null for an external_id no user has yet (the identity decides).
 */
export async function startConnect(app: FastifyInstance, deps: Tokenkeeper, request: FastifyRequest, reply: FastifyReply, link: ConnectLink, userId: string | null): Promise<FastifyReply> {
  const scope = await incrementalScope(deps, userId, link.provider, link.scope);
  return startSignInFlow(app, deps, request, reply, link.provider, { next: '/', linkUserId: userId, purpose: 'connect', connectLinkId: link.id, incrementalScope: scope });
}

/** Back to the service's return_to with the outcome; the wrong user and every other refusal are logged with the link. */
function back(request: FastifyRequest, reply: FastifyReply, link: ConnectLink, error?: ErrorCode): FastifyReply {
  if (error !== undefined) request.log.info({ code: error, connectLinkId: link.id, provider: link.provider }, 'connect link not completed');
  return reply.redirect(returnUrl(link, error), 303);
}

/**
 * The callback of a connect link's sign-ins. Every refusal (a cancelled
 * consent, the wrong person, an identity taken…) goes back to return_to
 * with `status=error&error=<code>`, so the service learns of it; nothing is
 * stored then.
 *
 * - `connect_sign_in`: a signed-out browser opened a link for a known user and
 *   signed in first, with any provider. Only that user's identity is signed
 *   in (no new user is made); then the connect step starts.
 * - `connect`: the link's provider answered. For a user (linkUserId), the
 *   identity is linked to them (refused when it is someone else's, or a
 *   second identity there); for an external_id, the identity decides the
 *   user, who gets it, and the browser is signed in as them. A connect-only
 *   provider identifies no one: for an external_id no user had, a user is
 *   made with it and the connection, and the browser is signed in as no one.
 */
export async function connectCallback(app: FastifyInstance, deps: Tokenkeeper, request: FastifyRequest, reply: FastifyReply, stored: LoginTransaction): Promise<FastifyReply> {
  const link = await openedConnectLink(deps, stored.connectLinkId ?? '');
  try {
    const { displayName, connectOnly } = deps.registry.get(stored.provider).settings;
    // A connect-only provider's link for an external_id no user had: the user it makes gets this id, the connection's subject.
    const newUserId = connectOnly && stored.linkUserId === null && stored.purpose === 'connect' ? newId() : null;
    const completed = await finishSignInFlow(deps, request, stored, newUserId ?? stored.linkUserId);
    const context = { db: deps.database.db, tokenStore: deps.tokenStore, now: deps.now(), ip: request.ip, displayName, webhooks: deps.webhooks };
    if (newUserId !== null) {
      const { userId, created } = await completeConnectOnlyForExternalId(context, completed, link);
      deps.metrics.signIn(stored.provider, 'linked');
      request.log.info({ userId, provider: stored.provider, connectLinkId: link.id, created }, 'provider connected through a connect link');
      return back(request, reply, link);
    }
    if (stored.purpose === 'connect_sign_in') {
      const target = await connectLinkUserId(deps, link);
      // Checked before anything is stored: another person's identity neither signs in nor makes a user here.
      if (target === null || (await identityOwner(deps, completed)) !== target) return back(request, reply, link, 'connect_link_wrong_user');
      const { user } = await completeSignIn(context, completed);
      await app.sessions.signIn(request, reply, user, { provider: stored.provider, providerSid: completed.identity.providerSessionId });
      await deps.tokens.emit({ type: 'user.signed_in', userId: user.id, provider: stored.provider, created: false });
      deps.metrics.signIn(stored.provider, 'ok');
      return await startConnect(app, deps, request, reply, link, user.id);
    }
    if (stored.linkUserId !== null) {
      await completeConnectForUser(context, completed, link, stored.linkUserId);
      await deps.tokens.emit({ type: 'user.signed_in', userId: stored.linkUserId, provider: stored.provider, created: false });
      deps.metrics.signIn(stored.provider, 'linked');
      request.log.info({ userId: stored.linkUserId, provider: stored.provider, connectLinkId: link.id }, 'provider connected through a connect link');
      return back(request, reply, link);
    }
    const { user, created } = await completeConnectByExternalId(context, completed, link);
    await app.sessions.signIn(request, reply, user, { provider: stored.provider, providerSid: completed.identity.providerSessionId });
    await deps.tokens.emit({ type: 'user.signed_in', userId: user.id, provider: stored.provider, created });
    deps.metrics.signIn(stored.provider, created ? 'new_user' : 'ok');
    request.log.info({ userId: user.id, provider: stored.provider, connectLinkId: link.id, created }, 'provider connected through a connect link');
    return back(request, reply, link);
  } catch (error) {
    if (!(error instanceof TokenkeeperError)) throw error;
    deps.metrics.signIn(stored.provider, error.code);
    return back(request, reply, link, error.code);
  }
}
