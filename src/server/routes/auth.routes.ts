import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TokenkeeperError } from '../../client/errors.js';
import { consumeLoginTransaction } from '../../db/login-transaction.repository.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { checkedLoginHint } from '../../client/login-hint.js';
import { safeNextPath } from '../../client/safe-next.js';
import { completeLink, completeSignIn } from '../../core/sign-in.js';
import { checkScope, incrementalScope } from '../../core/connect-links.js';
import { connectCallback } from '../connect-callback.js';
import { currentUser } from '../current-user.js';
import { errorCodeOf } from '../error-handler.js';
import { callbackParameters, isRelayed, relayFormPost } from '../form-post-callback.js';
import { finishSignInFlow, startSignInFlow, unmatchedCallbackError } from '../sign-in-flow.js';
import { loginRateLimit } from './login-rate-limit.js';
import { providerSignOutUrl } from '../provider-sign-out-url.js';

interface ProviderParams {
  provider: string;
}

function singleQueryValue(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** GET /login/:provider, POST /account/connections/:provider, GET and POST /auth/:provider/callback, POST /logout. */
/** What "Ask for more access" got: the scope now granted, and what was asked for but not granted, if anything. */
function moreAccessNotice(displayName: string, asked: string | null | undefined, granted: string | null): string {
  const grantedTokens = new Set((granted ?? '').split(' '));
  const refused = (asked ?? '').split(' ').filter((token) => token !== '' && !grantedTokens.has(token));
  const notice = `${displayName} now grants: ${granted || 'no scope named'}.`;
  return refused.length === 0 ? notice : `${notice} Not granted: ${refused.join(' ')}.`;
}

export async function authRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  const { db } = deps.database;

  const startSignIn = (request: FastifyRequest, reply: FastifyReply, providerName: string, next: string, linkUserId: string | null) =>
    startSignInFlow(app, deps, request, reply, providerName, { next, linkUserId });

  app.get<{ Params: ProviderParams }>('/login/:provider', { config: loginRateLimit(deps) }, async (request, reply) => {
    const next = safeNextPath(singleQueryValue(request, 'next'), deps.config.baseUrl);
    const loginHint = checkedLoginHint((request.query as Record<string, unknown>).login_hint);
    return startSignInFlow(app, deps, request, reply, request.params.provider, { next, linkUserId: null, ...(loginHint === undefined ? {} : { loginHint }) });
  });

  // Links another provider to the signed-in user (CSRF-checked by the global hook).
  app.post<{ Params: ProviderParams }>('/account/connections/:provider', { config: loginRateLimit(deps) }, async (request, reply) => {
    const user = currentUser(request);
    if (!user) throw new TokenkeeperError('unauthorized', 'Sign in first.');
    return startSignIn(request, reply, request.params.provider, '/account', user.id);
  });

  // "Ask for more access" on the account page: the same provider again, for what it granted plus the extra scope
  // (incremental authorization); CSRF-checked by the global hook. The callback stores what it grants this time.
  app.post<{ Params: ProviderParams }>('/account/connections/:provider/scope', { config: loginRateLimit(deps) }, async (request, reply) => {
    const user = currentUser(request);
    if (!user) throw new TokenkeeperError('unauthorized', 'Sign in first.');
    const { provider } = request.params;
    const { displayName } = deps.registry.get(provider).settings;
    const field = (request.body as Record<string, unknown> | null | undefined)?.scope;
    const extra = checkScope(typeof field === 'string' ? field : undefined);
    if (extra === null) throw new TokenkeeperError('invalid_scope', 'Name at least one scope to ask for, e.g. "notes:read"; several are separated by spaces.');
    if (!(await deps.tokenStore.listTokenSummariesForUser(user.id)).some((token) => token.provider === provider)) {
      throw new TokenkeeperError('not_connected', `You have not connected ${displayName}: connect it first.`);
    }
    const scope = await incrementalScope(deps, user.id, provider, extra);
    return startSignInFlow(app, deps, request, reply, provider, { next: '/account', linkUserId: user.id, purpose: 'more_access', incrementalScope: scope });
  });

  const countFailure = (request: FastifyRequest<{ Params: ProviderParams }>, _reply: FastifyReply, error: Error, done: () => void) => {
    deps.metrics.signIn(request.params.provider, errorCodeOf(error));
    done();
  };
  const callback = async (request: FastifyRequest<{ Params: ProviderParams }>, reply: FastifyReply) => {
    // The callback URL holds the code: it must not leak to the next page's links.
    reply.header('referrer-policy', 'no-referrer');
    const providerName = request.params.provider;
    const provider = deps.registry.get(providerName);
    const parameters = callbackParameters(request);
    const states = parameters.getAll('state');
    const state = states.length === 1 ? states[0] : undefined;
    if (!state || !request.session) throw unmatchedCallbackError(deps.config.baseUrl, provider.settings, parameters);
    // Single use: the row is deleted as it is read, so a replayed callback finds nothing and exchanges no code.
    const stored = await consumeLoginTransaction(db, state, request.session.id, deps.now());
    if (!stored || stored.provider !== provider.settings.name) throw unmatchedCallbackError(deps.config.baseUrl, provider.settings, parameters);
    if (stored.purpose === 'connect' || stored.purpose === 'connect_sign_in') return connectCallback(app, deps, request, reply, stored);
    const completed = await finishSignInFlow(deps, request, stored);
    const context = { db, tokenStore: deps.tokenStore, now: deps.now(), ip: request.ip, displayName: provider.settings.displayName, webhooks: deps.webhooks };
    if (stored.linkUserId !== null) {
      // Linking: the session stays the signed-in user's own; the transaction was bound to it.
      await completeLink(context, completed, stored.linkUserId);
      if (stored.purpose === 'more_access') await app.sessions.setFlash(request, moreAccessNotice(provider.settings.displayName, stored.scope, completed.tokens.scope));
      await deps.tokens.emit({ type: 'user.signed_in', userId: stored.linkUserId, provider: providerName, created: false });
      deps.metrics.signIn(providerName, 'linked');
      request.log.info({ userId: stored.linkUserId, provider: providerName }, 'provider linked');
      return reply.redirect(stored.nextPath, 303);
    }
    const { user, created } = await completeSignIn(context, completed);
    await app.sessions.signIn(request, reply, user, { provider: providerName, providerSid: completed.identity.providerSessionId });
    await deps.tokens.emit({ type: 'user.signed_in', userId: user.id, provider: providerName, created });
    deps.metrics.signIn(providerName, created ? 'new_user' : 'ok');
    request.log.info({ userId: user.id, provider: providerName, created }, 'user signed in');
    return reply.redirect(stored.nextPath, 303);
  };
  app.get<{ Params: ProviderParams }>('/auth/:provider/callback', { config: loginRateLimit(deps), onError: countFailure }, callback);
  // response_mode=form_post (see form-post-callback.ts): the state binds the answer to this browser's sign-in, in place
  // of a CSRF token. Posted from the provider's site, it comes without the session cookie: posted again from here.
  app.post<{ Params: ProviderParams }>('/auth/:provider/callback', { config: { ...loginRateLimit(deps), csrf: false }, onError: countFailure }, async (request, reply) => {
    deps.registry.get(request.params.provider); // 404 for an unknown provider, before any page
    if (!request.session && !isRelayed(request)) return relayFormPost(request, reply);
    return callback(request, reply);
  });

  app.post('/logout', async (request: FastifyRequest, reply: FastifyReply) => {
    const session = request.session;
    await app.sessions.destroy(request, reply);
    const atProvider = session?.userId && session.signedInWith ? await providerSignOutUrl(deps, request, session.userId, session.signedInWith.provider) : null;
    return reply.redirect(atProvider ?? '/', 303);
  });
}
