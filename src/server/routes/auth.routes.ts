import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { finishAuthorization, startAuthorization } from '../../client/authorization.js';
import { SignInError, TokenkeeperError } from '../../client/errors.js';
import { consumeLoginTransaction, createLoginTransaction, loginTransactionAssociatedData } from '../../db/login-transaction.repository.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { safeNextPath } from '../safe-next.js';
import { completeLink, completeSignIn } from '../../core/sign-in.js';
import { currentUser } from '../current-user.js';
import { errorCodeOf } from '../error-handler.js';
import { redirectUri } from '../urls.js';

/** A sign-in must come back within this time: long enough to sign in at the provider, short enough to keep a stolen state useless (about 10 minutes). */
const LOGIN_TRANSACTION_TTL_SECONDS = 600;

interface ProviderParams {
  provider: string;
}

function rateLimit(deps: Tokenkeeper) {
  return deps.config.loginRateLimit > 0 ? { rateLimit: { max: deps.config.loginRateLimit, timeWindow: 60_000 } } : {};
}

function singleQueryValue(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** GET /login/:provider, POST /account/connections/:provider, GET /auth/:provider/callback, POST /logout. */
export async function authRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  const { db } = deps.database;

  /** Starts the authorization code flow: a single-use transaction bound to this browser session, then 303 to the provider. */
  const startSignIn = async (request: FastifyRequest, reply: FastifyReply, providerName: string, next: string, linkUserId: string | null) => {
    const { settings } = deps.registry.get(providerName); // 404 for an unknown provider before any session is made
    const knownUserId = settings.refreshTokenNeedsConsent ? (linkUserId ?? app.sessions.returningUserId(request)) : null;
    const hasLiveRefreshToken = knownUserId !== null && (await deps.tokenStore.hasLiveRefreshToken(knownUserId, providerName));
    const started = await startAuthorization(deps.registry, providerName, redirectUri(deps.config.baseUrl, providerName), { hasLiveRefreshToken });
    const sessionIsNew = request.session === null;
    const session = await app.sessions.ensure(request, reply);
    const { transaction } = started;
    const now = deps.now();
    await createLoginTransaction(db, {
      state: transaction.state,
      sessionId: session.id,
      provider: transaction.provider,
      issuer: transaction.issuer,
      clientId: transaction.clientId,
      redirectUri: transaction.redirectUri,
      codeVerifier: deps.cipher.encrypt(transaction.codeVerifier, loginTransactionAssociatedData(transaction.state)),
      nonce: transaction.nonce,
      nextPath: next,
      linkUserId,
      createdAt: now,
      expiresAt: now + LOGIN_TRANSACTION_TTL_SECONDS,
    }, { sessionIsNew });
    return reply.redirect(started.authorizationUrl.toString(), 303);
  };

  app.get<{ Params: ProviderParams }>('/login/:provider', { config: rateLimit(deps) }, async (request, reply) =>
    startSignIn(request, reply, request.params.provider, safeNextPath(singleQueryValue(request, 'next'), deps.config.baseUrl), null),
  );

  // Links another provider to the signed-in user (CSRF-checked by the global hook).
  app.post<{ Params: ProviderParams }>('/account/connections/:provider', { config: rateLimit(deps) }, async (request, reply) => {
    const user = currentUser(request);
    if (!user) throw new TokenkeeperError('unauthorized', 'Sign in first.');
    return startSignIn(request, reply, request.params.provider, '/account', user.id);
  });

  const countFailure = (request: FastifyRequest<{ Params: ProviderParams }>, _reply: FastifyReply, error: Error, done: () => void) => {
    deps.metrics.signIn(request.params.provider, errorCodeOf(error));
    done();
  };
  app.get<{ Params: ProviderParams }>('/auth/:provider/callback', { config: rateLimit(deps), onError: countFailure }, async (request, reply) => {
    // The callback URL holds the code: it must not leak to the next page's links.
    reply.header('referrer-policy', 'no-referrer');
    const providerName = request.params.provider;
    const provider = deps.registry.get(providerName);
    const state = singleQueryValue(request, 'state');
    if (!state || !request.session) {
      throw new SignInError('invalid_state', 'This sign-in link is not valid in this browser (it may have expired or been used already). Please sign in again.');
    }
    // Single use: the row is deleted as it is read, so a replayed callback finds nothing and exchanges no code.
    const stored = await consumeLoginTransaction(db, state, request.session.id, deps.now());
    if (!stored || stored.provider !== provider.settings.name) {
      throw new SignInError('invalid_state', 'This sign-in link is not valid in this browser (it may have expired or been used already). Please sign in again.');
    }
    const completed = await finishAuthorization(
      deps.registry,
      {
        provider: stored.provider,
        state: stored.state,
        nonce: stored.nonce,
        codeVerifier: deps.cipher.decrypt(stored.codeVerifier, loginTransactionAssociatedData(stored.state)),
        issuer: stored.issuer,
        clientId: stored.clientId,
        redirectUri: stored.redirectUri,
        scope: provider.settings.scope,
      },
      new URL(request.url, deps.config.baseUrl).searchParams,
      deps.now,
    );
    const context = { db, tokenStore: deps.tokenStore, now: deps.now(), ip: request.ip, webhooks: deps.webhooks };
    if (stored.linkUserId !== null) {
      // Linking: the session stays the signed-in user's own; the transaction was bound to it.
      await completeLink(context, completed, stored.linkUserId);
      await deps.tokens.emit({ type: 'user.signed_in', userId: stored.linkUserId, provider: providerName, created: false });
      deps.metrics.signIn(providerName, 'linked');
      request.log.info({ userId: stored.linkUserId, provider: providerName }, 'provider linked');
      return reply.redirect(stored.nextPath, 303);
    }
    const { user, created } = await completeSignIn(context, completed);
    await app.sessions.signIn(request, reply, user);
    await deps.tokens.emit({ type: 'user.signed_in', userId: user.id, provider: providerName, created });
    deps.metrics.signIn(providerName, created ? 'new_user' : 'ok');
    request.log.info({ userId: user.id, provider: providerName, created }, 'user signed in');
    return reply.redirect(stored.nextPath, 303);
  });

  app.post('/logout', async (request: FastifyRequest, reply: FastifyReply) => {
    await app.sessions.destroy(request, reply);
    return reply.redirect('/', 303);
  });
}
