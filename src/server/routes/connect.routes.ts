import type { FastifyInstance } from 'fastify';
import { SignInError } from '../../client/errors.js';
import { connectLinkUserId, openConnectLink, openedConnectLink, previewConnectLink, returnUrl, userSignsIn } from '../../core/connect-links.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { updateSessionData } from '../../db/session.repository.js';
import { startConnect } from '../connect-callback.js';
import { currentUser } from '../current-user.js';
import { LOGIN_TRANSACTION_TTL_SECONDS, startSignInFlow } from '../sign-in-flow.js';
import { layout } from '../views/layout.js';
import { connectPreviewPage, connectSignInPage } from '../views/connect-pages.js';
import { isPreviewRequest } from '../link-preview.js';
import { loginRateLimit } from './login-rate-limit.js';

/** Where a signed-out browser's opened link waits while it signs in (sessions.data). */
const PENDING_LINK = 'connectLink';

/**
 * GET /connect/:secret, the connect link a service made (POST
 * /api/v1/connect-links), and GET /connect/sign-in/:provider, signing in
 * first when the link is for a user and the browser is signed out. Both only
 * start a flow at a provider (GET: no CSRF token, as for /login/:provider);
 * what they store is bound to this browser's session.
 */
export async function connectRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  const refuseSignIn = () => new SignInError('invalid_state', 'This sign-in is not valid in this browser (it may have expired, or the link was opened elsewhere). Ask for a new link.');

  // No HEAD route: a link checker's HEAD must not use the link up.
  app.get<{ Params: { secret: string } }>('/connect/:secret', { config: loginRateLimit(deps), exposeHeadRoute: false }, async (request, reply) => {
    // The address holds the link's secret: no page it leads to may see it in a Referer.
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    if (isPreviewRequest(request)) {
      // A chat app's preview of the pasted link, or a browser's prefetch: answered without using the link up.
      const preview = await previewConnectLink(deps, request.params.secret);
      reply.header('x-robots-tag', 'noindex, nofollow');
      return reply.type('text/html; charset=utf-8').send(layout({ title: 'Connect an account', signedInAs: null, csrfToken: null }, connectPreviewPage(preview)));
    }
    const link = await openConnectLink(deps, request.params.secret); // marked used here, once
    const target = await connectLinkUserId(deps, link);
    const user = currentUser(request);
    // An external_id no user has: the identity at the provider decides who it is (a connect-only provider's, which
    // identifies no one: the external_id alone, whose user the callback makes).
    if (target === null) return startConnect(app, deps, request, reply, link, null);
    if (user !== null && user.id !== target) {
      // Never connect the signed-in person's provider to someone else's user, nor the reverse.
      request.log.warn({ userId: user.id, connectLinkId: link.id }, 'connect link opened by another user');
      return reply.redirect(returnUrl(link, 'connect_link_wrong_user'), 303);
    }
    if (user !== null) return startConnect(app, deps, request, reply, link, user.id);
    // A connect-only provider for a user with no way to sign in (made by such a link): the link stands for them.
    if (deps.registry.get(link.provider).settings.connectOnly && !(await userSignsIn(deps, target))) return startConnect(app, deps, request, reply, link, target);
    const session = await app.sessions.ensure(request, reply);
    session.data = { ...session.data, [PENDING_LINK]: link.id };
    await updateSessionData(deps.database.db, session.id, session.data);
    const { displayName } = deps.registry.get(link.provider).settings;
    return reply.type('text/html; charset=utf-8').send(layout({ title: 'Sign in to connect', signedInAs: null, csrfToken: null }, connectSignInPage(deps.registry.list(), displayName)));
  });

  app.get<{ Params: { provider: string } }>('/connect/sign-in/:provider', { config: loginRateLimit(deps) }, async (request, reply) => {
    const pending = request.session?.data[PENDING_LINK];
    if (typeof pending !== 'string') throw refuseSignIn();
    const link = await openedConnectLink(deps, pending);
    if (link.usedAt! + LOGIN_TRANSACTION_TTL_SECONDS <= deps.now()) throw refuseSignIn();
    return startSignInFlow(app, deps, request, reply, request.params.provider, { next: '/', linkUserId: null, purpose: 'connect_sign_in', connectLinkId: link.id });
  });
}
