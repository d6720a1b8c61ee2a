import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { connectOnlyRefusal, finishAuthorization, SIGN_IN_TRANSACTION_TTL_SECONDS, startAuthorization, type CompletedAuthorization } from '../client/authorization.js';
import { causeChain, SignInError } from '../client/errors.js';
import type { ProviderSettings } from '../client/provider-settings.js';
import { createLoginTransaction, loginTransactionAssociatedData, type LoginPurpose, type LoginTransaction } from '../db/login-transaction.repository.js';
import type { Tokenkeeper } from '../core/tokenkeeper.js';
import { callbackParameters } from './form-post-callback.js';
import { redirectUri } from './urls.js';

/** How long a login transaction lasts: as long as any sign-in's (client/authorization.ts). */
export const LOGIN_TRANSACTION_TTL_SECONDS = SIGN_IN_TRANSACTION_TTL_SECONDS;

export interface SignInFlow {
  /** Same-origin path to land on afterwards. */
  next: string;
  /** The signed-in user a provider is linked to (or asked for more scope for); null for a sign-in. */
  linkUserId: string | null;
  purpose?: LoginPurpose;
  connectLinkId?: string;
  /** Incremental authorization: the whole scope to ask for (see unionScope). */
  incrementalScope?: string;
  /** Who the person says they are (`login_hint`), passed to the provider (see StartOptions.loginHint). */
  loginHint?: string;
}

/**
 * Starts the authorization code flow: a single-use transaction bound to this
 * browser session (state, PKCE verifier, nonce, and why it was started), then
 * 303 to the provider.
 */
export async function startSignInFlow(app: FastifyInstance, deps: Tokenkeeper, request: FastifyRequest, reply: FastifyReply, providerName: string, flow: SignInFlow): Promise<FastifyReply> {
  const { settings } = deps.registry.get(providerName); // 404 for an unknown provider before any session is made
  // A provider that says nothing of who the person is connects to a user only: the signed-in one (its subject is
  // theirs), or the one a connect link for an external_id no user has makes at the callback.
  if (settings.connectOnly && flow.linkUserId === null && flow.purpose !== 'connect') throw connectOnlyRefusal(settings);
  const knownUserId = settings.refreshTokenNeedsConsent ? (flow.linkUserId ?? app.sessions.returningUserId(request)) : null;
  const hasLiveRefreshToken = knownUserId !== null && (await deps.tokenStore.hasLiveRefreshToken(knownUserId, providerName));
  const started = await startAuthorization(deps.registry, providerName, redirectUri(deps.config.baseUrl, providerName), {
    hasLiveRefreshToken,
    ...(flow.incrementalScope !== undefined ? { incrementalScope: flow.incrementalScope } : {}),
    ...(flow.loginHint !== undefined ? { loginHint: flow.loginHint } : {}),
  });
  const sessionIsNew = request.session === null;
  const session = await app.sessions.ensure(request, reply);
  const { transaction } = started;
  const now = deps.now();
  await createLoginTransaction(
    deps.database.db,
    {
      state: transaction.state,
      sessionId: session.id,
      provider: transaction.provider,
      issuer: transaction.issuer,
      clientId: transaction.clientId,
      redirectUri: transaction.redirectUri,
      codeVerifier: deps.cipher.encrypt(transaction.codeVerifier, loginTransactionAssociatedData(transaction.state)),
      nonce: transaction.nonce,
      nextPath: flow.next,
      linkUserId: flow.linkUserId,
      createdAt: now,
      expiresAt: now + LOGIN_TRANSACTION_TTL_SECONDS,
      scope: flow.incrementalScope ?? null,
      purpose: flow.purpose ?? null,
      connectLinkId: flow.connectLinkId ?? null,
      dpopKey: transaction.dpopKey === undefined ? null : deps.cipher.encrypt(transaction.dpopKey, loginTransactionAssociatedData(transaction.state, 'dpop_key')),
    },
    { sessionIsNew },
  );
  return reply.redirect(started.authorizationUrl.toString(), 303);
}

/**
 * Finishes the flow a consumed transaction started: the code exchange and
 * every check, against what was stored. The scope is the one the
 * transaction asked for, which the token response may leave out when it was
 * granted as asked (RFC 6749 §5.1). A response refused for its `iss` is
 * logged as a warning with both issuers. `connectingUserId`: the user a
 * connect-only provider's connection is for (the linked user by default).
 */
export async function finishSignInFlow(deps: Tokenkeeper, request: FastifyRequest, stored: LoginTransaction, connectingUserId = stored.linkUserId): Promise<CompletedAuthorization> {
  const parameters = callbackParameters(request);
  try {
    return await finishAuthorization(
      deps.registry,
      {
        provider: stored.provider,
        state: stored.state,
        nonce: stored.nonce,
        codeVerifier: deps.cipher.decrypt(stored.codeVerifier, loginTransactionAssociatedData(stored.state)),
        issuer: stored.issuer,
        clientId: stored.clientId,
        redirectUri: stored.redirectUri,
        scope: stored.scope ?? deps.registry.get(stored.provider).settings.scope,
        ...(connectingUserId === null ? {} : { connectingUserId }),
        ...(stored.dpopKey ? { dpopKey: deps.cipher.decrypt(stored.dpopKey, loginTransactionAssociatedData(stored.state, 'dpop_key')) } : {}),
      },
      parameters,
      deps.now,
    );
  } catch (error) {
    const receivedIssuer = parameters.get('iss');
    // Refused for its issuer: one it names that is not the expected one, or none where the provider said it sends one
    // (oauth4webapi's "iss" (issuer) missing). Another refusal (a missing code, a wrong state) is no issuer's doing.
    const issuerRefused = receivedIssuer !== null ? receivedIssuer !== stored.issuer : causeChain(error).some((cause) => /"iss"/.test(String((cause as { message?: unknown }).message)));
    if (error instanceof SignInError && error.code === 'invalid_callback' && issuerRefused) {
      // RFC 9207 §2.4: a response that names another issuer, or none where the provider sends one, may be a mix-up
      // attack, not a person's mistake. Issuers are public identifiers; what came is cut to a length a log line takes.
      request.log.warn(
        { provider: stored.provider, expectedIssuer: stored.issuer, receivedIssuer: receivedIssuer?.slice(0, 300) ?? null },
        'sign-in response refused: its issuer (RFC 9207 iss) is not the one the sign-in was started with',
      );
    }
    throw error;
  }
}

/**
 * The refusal of a callback that matches no sign-in of this browser. A provider that is sent a redirect URI other
 * than the callback URL registered for the app may send the browser back to the registered one with
 * `error=redirect_uri_mismatch` (GitHub does:
 * https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-authorization-request-errors#redirect-uri-mismatch).
 * That URL is on another origin than BASE_URL's, where this browser has no session, so the state matches nothing;
 * trying again would fail the same way: the message names the redirect URI to register instead.
 */
export function unmatchedCallbackError(baseUrl: URL, settings: ProviderSettings, parameters: URLSearchParams): SignInError {
  if (parameters.get('error') === 'redirect_uri_mismatch') {
    return new SignInError(
      'authorization_error',
      `${settings.displayName} refused the sign-in (redirect_uri_mismatch): the callback URL registered for the app there is not ${redirectUri(baseUrl, settings.name)}, the one this site sends. Register that URL there, or set BASE_URL to the origin of the one registered.`,
      { providerError: 'redirect_uri_mismatch' },
    );
  }
  return new SignInError('invalid_state', 'This sign-in link is not valid in this browser (it may have expired or been used already). Please sign in again.');
}
