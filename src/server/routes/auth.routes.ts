import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { finishAuthorization, startAuthorization } from '../../client/authorization.js';
import { SignInError } from '../../client/errors.js';
import { consumeLoginTransaction, createLoginTransaction, loginTransactionAssociatedData } from '../../db/login-transaction.repository.js';
import type { AppDependencies } from '../dependencies.js';
import { safeNextPath } from '../safe-next.js';
import { completeSignIn } from '../sign-in.js';

/** A sign-in must come back within this time (SECURITY.md: about 10 minutes). */
const LOGIN_TRANSACTION_TTL_SECONDS = 600;

interface ProviderParams {
  provider: string;
}

function rateLimit(deps: AppDependencies) {
  return deps.config.loginRateLimit > 0 ? { rateLimit: { max: deps.config.loginRateLimit, timeWindow: 60_000 } } : {};
}

/** The redirect URI to register at the provider: `<BASE_URL>/auth/<name>/callback`. */
export function redirectUri(baseUrl: URL, provider: string): string {
  return new URL(`/auth/${encodeURIComponent(provider)}/callback`, baseUrl).toString();
}

function singleQueryValue(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** GET /login/:provider, GET /auth/:provider/callback, POST /logout. */
export async function authRoutes(app: FastifyInstance, deps: AppDependencies): Promise<void> {
  const { db } = deps.database;

  app.get<{ Params: ProviderParams }>('/login/:provider', { config: rateLimit(deps) }, async (request, reply) => {
    const providerName = request.params.provider;
    deps.registry.get(providerName); // 404 for an unknown provider before any session is made
    const next = safeNextPath(singleQueryValue(request, 'next'), deps.config.baseUrl);
    const started = await startAuthorization(deps.registry, providerName, redirectUri(deps.config.baseUrl, providerName));
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
      linkUserId: null,
      createdAt: now,
      expiresAt: now + LOGIN_TRANSACTION_TTL_SECONDS,
    });
    return reply.redirect(started.authorizationUrl.toString(), 303);
  });

  app.get<{ Params: ProviderParams }>('/auth/:provider/callback', { config: rateLimit(deps) }, async (request, reply) => {
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
    const { user, created } = await completeSignIn({ db, tokenStore: deps.tokenStore, now: deps.now(), ip: request.ip }, completed);
    await app.sessions.signIn(request, reply, user);
    await deps.tokens.emit({ type: 'user.signed_in', userId: user.id, provider: providerName, created });
    request.log.info({ userId: user.id, provider: providerName, created }, 'user signed in');
    return reply.redirect(stored.nextPath, 303);
  });

  app.post('/logout', async (request: FastifyRequest, reply: FastifyReply) => {
    await app.sessions.destroy(request, reply);
    return reply.redirect('/', 303);
  });
}
