import * as oidc from 'openid-client';
import { verifiedAccount } from './account-verification.js';
import { describeProviderFailure, providerValueShown, ProviderUnavailableError, refusalCode, SignInError, TokenkeeperError } from './errors.js';
import { connectionApiBase, profileApiBase } from './connection-api-base.js';
import { listedRegionalServer, namedServer } from './regional-servers.js';
import { dpopHandle, dpopThumbprint, newDPoPKey } from './dpop.js';
import { readProfile } from './profile.js';
import type { ProviderRegistry, RegisteredProvider } from './provider-registry.js';
import { renewAccessToken, RenewalRefusedError, type RenewedAccessToken } from './access-token-renewal.js';
import type { ProviderSettings } from './provider-settings.js';
import { keptIdToken } from './response-decryption.js';
import { tokenSetFromResponse, type TokenSet } from './token-set.js';

/**
 * What must be kept server-side between the redirect to the provider and the
 * callback. The checks at the callback are decided by this record, never by
 * what comes back.
 */
export interface AuthorizationTransaction {
  provider: string;
  state: string;
  /** Null for plain OAuth 2.0 providers (no `openid` scope, so no ID token). */
  nonce: string | null;
  codeVerifier: string;
  issuer: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  /**
   * For a provider configured with DPoP: the key the sign-in was started with (a private JWK, as JSON), as secret as
   * the code verifier. The authorization code is bound to it (the key that pushed the request, or `dpop_jkt`, RFC
   * 9449 §10), so the code exchange is proved with it, and the connection keeps it. Without one, the exchange makes one.
   */
  dpopKey?: string;
  /**
   * The user a connect-only provider (ProviderSettings.connectOnly) is being connected to, who is the connection's
   * subject: such a provider says nothing of who signed in. Finishing a connect-only sign-in without one is refused.
   */
  connectingUserId?: string;
}

/** The refusal of a sign-in with a connect-only provider (ProviderSettings.connectOnly), or of a connection to no user. */
export function connectOnlyRefusal(settings: Pick<ProviderSettings, 'displayName'>): TokenkeeperError {
  return new TokenkeeperError('connect_only', `${settings.displayName} cannot be signed in with: sign in first, then connect it from your account.`);
}

/** A sign-in must come back within this time: long enough to sign in at the provider, short enough to keep a stolen state useless (about 10 minutes). */
export const SIGN_IN_TRANSACTION_TTL_SECONDS = 600;

export interface StartedAuthorization {
  authorizationUrl: URL;
  transaction: AuthorizationTransaction;
}

/** The profile of the person who signed in, normalised across providers. */
export interface SignedInIdentity {
  provider: string;
  issuer: string;
  subject: string;
  name: string | null;
  email: string | null;
  emailVerified: boolean | null;
  preferredUsername: string | null;
  /** ID token claims merged with userinfo, for display and the accounts table. */
  claims: Record<string, unknown>;
  /**
   * The ID token's `sid`: the provider's own session this sign-in came from,
   * which its back-channel logout names (OpenID Connect Back-Channel Logout
   * 1.0 §2.4); null without one.
   */
  providerSessionId: string | null;
}

export interface CompletedAuthorization {
  identity: SignedInIdentity;
  tokens: TokenSet;
}

/** Whether the sign-in asks for an ID token: the `openid` scope, unless the provider's ID tokens go unused (idTokenUnused). */
function requestsOpenId(settings: Pick<ProviderSettings, 'idTokenUnused'>, scope: string): boolean {
  return settings.idTokenUnused !== true && scope.split(' ').includes('openid');
}

export interface StartOptions {
  /**
   * The person signing in already has a connection to this provider with a
   * refresh token that has not been refused: no need to ask for consent again
   * (see ProviderSettings.refreshTokenNeedsConsent). Unknown: false.
   */
  hasLiveRefreshToken?: boolean;
  /**
   * Incremental authorization: ask for this scope instead of the configured
   * one (the caller gives the union of what was granted, the configured scope
   * and the extra scope), with the provider's incrementalAuthorizationParams.
   */
  incrementalScope?: string;
  /**
   * Who the person says they are (OpenID Connect Core §3.1.2.1's `login_hint`: an e-mail, an account name, AT
   * Protocol's handle), sent with the request so the provider can fill it in; for a provider whose people name
   * their own authorization server (an accountAuthorizationServer hook), it also says which server to sign in at.
   */
  loginHint?: string;
}

/**
 * The configured `prompt` values, with `consent` added when a refresh token is
 * needed and only consent brings one. An incremental authorization always
 * asks for consent there: the person consents to the new scope anyway, and
 * without `prompt=consent` a provider following OpenID Connect Core §11
 * leaves `offline_access` out of the new grant.
 */
function promptFor(settings: ProviderSettings, options: StartOptions): Record<string, string> {
  const configured = settings.authorizationParams?.prompt;
  if (!settings.refreshTokenNeedsConsent || (options.hasLiveRefreshToken && options.incrementalScope === undefined)) return {};
  const prompts = new Set((configured ?? '').split(' ').filter(Boolean));
  // OIDC Core §3.1.2.1: `none` cannot be combined with another value.
  if (prompts.has('none')) return {};
  prompts.add('consent');
  return { prompt: [...prompts].join(' ') };
}

/** RFC 7636 §4.2's challenge for the verifier: S256, or the verifier itself for a provider that takes only `plain`. */
async function pkceChallenge(settings: ProviderSettings, codeVerifier: string): Promise<Record<string, string>> {
  if (settings.pkce === 'plain') return { code_challenge: codeVerifier, code_challenge_method: 'plain' };
  return { code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256' };
}

/**
 * The authorization URL of a pushed authorization request (RFC 9126): the parameters go to the provider from here,
 * the browser carries the `request_uri` it answers. A refusal (the client's fault: its id, secret or redirect URI)
 * and an outage are the provider's answer, not the person's.
 */
async function pushedAuthorizationUrl(config: oidc.Configuration, settings: ProviderSettings, parameters: Record<string, string>, dpopKey: string | undefined): Promise<URL> {
  try {
    // With DPoP, the request is pushed with a proof of the sign-in's key, to which the provider binds the code (RFC 9449 §10).
    return await oidc.buildAuthorizationUrlWithPAR(config, parameters, dpopKey === undefined ? undefined : { DPoP: await dpopHandle(config, dpopKey) });
  } catch (error) {
    const failure = describeProviderFailure(settings.displayName, 'pushed authorization request', error);
    if (failure.providerError !== null && failure.status < 503) {
      throw new ProviderUnavailableError('provider_error', `${settings.displayName} refused the pushed authorization request (${failure.providerError}); check the client id, secret and redirect URI registered there.`, {
        cause: error,
        providerError: failure.providerError,
      });
    }
    throw failure;
  }
}

/**
 * The configuration a sign-in starts with: the configured server's, or, for a provider whose people name their own
 * authorization server (accountAuthorizationServer) and a person who named themselves, that server's.
 */
async function signInConfiguration(provider: RegisteredProvider, loginHint: string | undefined): Promise<{ config: oidc.Configuration; loginHint?: string }> {
  const configured = await provider.configuration();
  const find = provider.settings.hooks?.accountAuthorizationServer;
  // A provider that registers itself at each server signs in with the client registered there, the configured one's too.
  const registers = provider.settings.hooks?.registerClient !== undefined;
  const { issuer } = configured.serverMetadata();
  if (loginHint === undefined || !find) {
    return { config: registers ? await provider.configurationAt(issuer) : configured, ...(loginHint === undefined ? {} : { loginHint }) };
  }
  const server = await find({ loginHint, issuer, allowInsecureHttp: provider.settings.allowInsecureHttp, send: (url, init) => provider.send(url, init) });
  const config = server.issuer === issuer && !registers ? configured : await provider.configurationAt(server.issuer);
  return { config, ...(server.loginHint === '' ? {} : { loginHint: server.loginHint }) };
}

/**
 * A provider that registers the app at each server (registerClient) registered the configured scope there, and the
 * server grants an app no scope beyond its registration: asking for more at a sign-in ("Ask for more access", a
 * connect link's scope) is a 400 saying where the scope is set, rather than a refusal at the server.
 */
function refuseUnregisteredScope(settings: ProviderSettings, asked: string): void {
  const registered = new Set(settings.scope.split(' '));
  const beyond = asked.split(' ').filter((token) => token !== '' && !registered.has(token));
  if (beyond.length > 0) {
    throw new TokenkeeperError(
      'bad_request',
      `${settings.displayName} registers this app at each server with the scope ${settings.name.toUpperCase()}_SCOPE names (${settings.scope}), and a server grants no more: add ${beyond.join(' ')} to it instead of asking at a sign-in.`,
    );
  }
}

/**
 * Builds the authorization request: PKCE S256 (or plain, where the provider takes only that), state and (for OIDC) nonce, all fresh.
 *
 * @example
 * // GET /login: keep the transaction server-side (it holds the PKCE verifier), then redirect.
 * const { authorizationUrl, transaction } = await startAuthorization(client.registry, 'google', 'https://app.example.com/callback');
 * req.session.authorization = transaction;
 * res.redirect(authorizationUrl.href);
 */
export async function startAuthorization(
  registry: ProviderRegistry,
  providerName: string,
  redirectUri: string,
  options: StartOptions = {},
): Promise<StartedAuthorization> {
  const provider = registry.get(providerName);
  const { settings } = provider;
  if (settings.clientRegistration && options.incrementalScope !== undefined) refuseUnregisteredScope(settings, options.incrementalScope);
  const { config, loginHint } = await signInConfiguration(provider, options.loginHint);
  const scope = options.incrementalScope ?? settings.scope;
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = requestsOpenId(settings, scope) && settings.idTokenNonce !== false ? oidc.randomNonce() : null;
  const pkce = settings.pkce !== false;
  const dpopKey = settings.dpop ? await newDPoPKey() : undefined;
  const pushed = settings.pushedAuthorizationRequests || config.serverMetadata().require_pushed_authorization_requests === true;
  const parameters = {
    ...settings.authorizationParams,
    ...(options.incrementalScope !== undefined ? settings.incrementalAuthorizationParams : {}),
    ...promptFor(settings, options),
    ...(loginHint !== undefined ? { login_hint: loginHint } : {}),
    redirect_uri: settings.redirectUriSent ?? redirectUri,
    // RFC 6749 §3.3: optional; a provider without scopes (Notion) is sent none.
    ...(scope ? { scope: settings.hooks?.authorizationScope?.(scope) ?? scope } : {}),
    ...(pkce ? await pkceChallenge(settings, codeVerifier) : {}),
    state,
    ...(nonce ? { nonce } : {}),
    // RFC 9449 §10: the code bound to the sign-in's key; a pushed request is bound by its proof instead.
    ...(dpopKey !== undefined && !pushed ? { dpop_jkt: await dpopThumbprint(dpopKey) } : {}),
  };
  const authorizationUrl = pushed ? await pushedAuthorizationUrl(config, settings, parameters, dpopKey) : oidc.buildAuthorizationUrl(config, parameters);
  return {
    authorizationUrl,
    transaction: {
      provider: settings.name,
      state,
      nonce,
      codeVerifier,
      issuer: config.serverMetadata().issuer,
      clientId: config.clientMetadata().client_id,
      redirectUri,
      scope,
      ...(dpopKey === undefined ? {} : { dpopKey }),
    },
  };
}

/**
 * The scope the authorization granted when the token answer names none (RFC
 * 6749 §5.1 then means the one requested): what a preset's grantedScope hook
 * reads in the authorization response, kept to the scopes that were asked for.
 */
function grantedScope(settings: ProviderSettings, requested: string, callbackParameters: URLSearchParams): string {
  const said = settings.hooks?.grantedScope?.(callbackParameters);
  if (said === undefined) return requested;
  const asked = new Set(requested.split(' ').filter(Boolean));
  return [...new Set(said.split(' '))].filter((token) => asked.has(token)).join(' ');
}

/** The origin of `url`, or undefined when it is not a URL. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * oauth4webapi's refusals of a callback without its code, or with a parameter
 * given twice (RFC 6749 §3.1: "MUST NOT be included more than once"), made
 * before any request: their message is all that tells them apart.
 */
const MALFORMED_CALLBACK = [/^no authorization code in "callbackParameters"$/, /^"[a-z_]+" parameter must be provided only once$/];

/**
 * How openid-client refused the callback's own parameters, if it did: it
 * throws a ClientError (OAUTH_INVALID_RESPONSE) whose cause is
 * oauth4webapi's error. That error carries the parameters as its cause when
 * the RFC 9207 `iss` or the `state` check failed ('mismatch'); a missing
 * `code` or a repeated parameter is named by its message ('malformed').
 */
function rejectedCallback(error: unknown): 'mismatch' | 'malformed' | null {
  if ((error as { code?: unknown } | null)?.code !== 'OAUTH_INVALID_RESPONSE') return null;
  const inner = (error as { cause?: { message?: unknown; cause?: { parameters?: unknown } } }).cause;
  if (inner?.cause?.parameters instanceof URLSearchParams) return 'mismatch';
  const message = inner?.message;
  return typeof message === 'string' && MALFORMED_CALLBACK.some((pattern) => pattern.test(message)) ? 'malformed' : null;
}

/** An `error_description` as a log line takes it (RFC 6749 §4.1.2.1 and §5.2 allow the same characters as `error`); null when none. */
function errorDescriptionLogged(description: unknown): string | null {
  return typeof description === 'string' && description.length > 0 ? providerValueShown(description, 300) : null;
}

function stringClaim(source: Record<string, unknown>, name: string | undefined): string | null {
  if (!name) return null;
  const value = source[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * Authorization errors that mean the person said no: RFC 6749 §4.1.2.1's
 * `access_denied`; `user_cancelled_authorize`, from Sign in with Apple and from
 * LinkedIn's consent screen; LinkedIn's `user_cancelled_login`, a sign-in
 * abandoned on its login page
 * (https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow);
 * SimpleLogin's `deny`, a person declining to share their information
 * (https://simplelogin.io/docs/siwsl/errors/); and TARA's `user_cancel`, a person
 * choosing "Return to service provider" (https://e-gov.github.io/TARA-Doku/TechnicalSpecification, §4.2).
 * Matched in any case: Acrobat Sign sends its codes in capitals (`ACCESS_DENIED`,
 * https://developer.adobe.com/acrobat-sign/docs/overview/developer_guide/gstarted).
 */
const CANCELLED: ReadonlySet<string> = new Set(['access_denied', 'user_cancelled_authorize', 'user_cancelled_login', 'deny', 'user_cancel']);

/** A boolean claim, also as the strings "true" and "false" (Sign in with Apple sends either form). */
function booleanClaim(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  return value === 'true' ? true : value === 'false' ? false : null;
}

function fullName(claims: Record<string, unknown>): string | null {
  const parts = [stringClaim(claims, 'given_name'), stringClaim(claims, 'family_name')].filter((part) => part !== null);
  return parts.length > 0 ? parts.join(' ') : null;
}

/**
 * The sign-in's access token renewed by the provider's renewAccessToken hook,
 * or undefined when the hook keeps it. A refusal is the provider's fault here
 * (the token was issued a moment ago): 502, and nothing is stored.
 */
async function renewedAtSignIn(provider: RegisteredProvider, accessToken: string): Promise<RenewedAccessToken | undefined> {
  try {
    return await renewAccessToken(provider, 'sign-in', accessToken);
  } catch (error) {
    if (error instanceof RenewalRefusedError) throw new ProviderUnavailableError('provider_error', `${error.message} (the token it had just issued at sign-in).`, { cause: error });
    throw error;
  }
}

/** A printable ASCII value of 1 to 256 characters: what a callback parameter resent to the provider may be. */
const RESENDABLE = /^[\x21-\x7e]{1,256}$/;

/**
 * The callback parameters the provider wants again in the code exchange and every refresh (callbackParametersResent),
 * or undefined when it wants none or the callback carries no code (an error answer, read later). They came through
 * the browser: each must be there once, printable and short, or nothing is sent anywhere.
 */
function callbackParametersResent(settings: ProviderSettings, callbackParameters: URLSearchParams): Record<string, string> | undefined {
  const names = settings.callbackParametersResent;
  if (!names || names.length === 0 || !callbackParameters.has('code')) return undefined;
  const resent: Record<string, string> = {};
  for (const name of names) {
    const values = callbackParameters.getAll(name);
    if (values.length !== 1 || !RESENDABLE.test(values[0]!)) {
      const said = values.length === 0 ? 'has no' : values.length > 1 ? 'has more than one' : 'has an unusable';
      throw new SignInError('invalid_callback', `This sign-in response from ${settings.displayName} ${said} ${name}, which ${settings.displayName} needs with the code. Please sign in again.`);
    }
    resent[name] = values[0]!;
  }
  return resent;
}

/**
 * Finishes the authorization code flow: validates the callback (state, RFC 9207
 * `iss`, `error`), exchanges the code with the PKCE verifier, validates the ID
 * token in full (signature included), and reads userinfo, whose `sub` must
 * equal the ID token's.
 *
 * @example
 * // GET /callback?code=…&state=…
 * const transaction = req.session.authorization;
 * delete req.session.authorization; // one use only
 * const { identity, tokens } = await finishAuthorization(client.registry, transaction, new URL(req.url, 'https://app.example.com').searchParams);
 * console.log(`${identity.email} signed in with ${identity.provider}`);
 * // Keep `tokens` where your TokenStore's findToken finds them for this user.
 */
export async function finishAuthorization(
  registry: ProviderRegistry,
  transaction: AuthorizationTransaction,
  callbackParameters: URLSearchParams,
  now: () => number = () => Math.floor(Date.now() / 1000),
): Promise<CompletedAuthorization> {
  const provider = registry.get(transaction.provider);
  const { settings } = provider;
  if (settings.connectOnly && transaction.connectingUserId === undefined) throw connectOnlyRefusal(settings);
  const configured = await provider.configuration();
  // A sign-in started at the person's own authorization server (accountAuthorizationServer) finishes there.
  // So does every sign-in of a provider that registers itself at each server, the configured one's included.
  const atAccountServer =
    (transaction.issuer !== configured.serverMetadata().issuer && settings.hooks?.accountAuthorizationServer !== undefined) || settings.hooks?.registerClient !== undefined;
  const config = atAccountServer ? await provider.configurationAt(transaction.issuer) : configured;
  if (config.serverMetadata().issuer !== transaction.issuer || config.clientMetadata().client_id !== transaction.clientId) {
    throw new SignInError('transaction_mismatch', 'This sign-in was started with a different provider configuration. Please sign in again.');
  }

  // A provider that signs its redirects (Shopify's hmac): a code whose signature fails is not exchanged.
  const verifyCallback = settings.hooks?.verifyCallback;
  if (verifyCallback && callbackParameters.has('code') && !verifyCallback(callbackParameters, settings.clientSecret)) {
    throw new SignInError('invalid_callback', `This sign-in response is not signed by ${settings.displayName} as it should be. Please sign in again.`);
  }

  // A provider with a server per region (Zoho's accounts-server): the code is exchanged at the person's own, when
  // it is one of the provider's listed; a server not listed is never sent the code (nor the client's secret).
  const tokenEndpoint = config.serverMetadata().token_endpoint;
  const named = callbackParameters.has('code') ? settings.hooks?.codeExchangeServer?.(callbackParameters, tokenEndpoint) : undefined;
  const codeServer = named === undefined ? undefined : namedServer(settings, named, tokenEndpoint);
  const elsewhere = codeServer !== undefined && (!tokenEndpoint || originOf(codeServer) !== new URL(tokenEndpoint).origin) ? codeServer : undefined;
  const regionalServer = elsewhere === undefined ? undefined : listedRegionalServer(settings, elsewhere);
  if (elsewhere !== undefined && regionalServer === undefined) {
    throw new SignInError(
      'invalid_callback',
      `This ${settings.displayName} account is served by ${settings.displayName}'s server ${providerValueShown(elsewhere, 100)}, which this site does not sign in with (${settings.name.toUpperCase()}_REGIONAL_SERVERS lists those it does), so it cannot be connected here.`,
    );
  }
  const exchangeConfig = regionalServer === undefined ? config : await provider.configurationAt(regionalServer);
  const resent = callbackParametersResent(settings, callbackParameters);
  // A provider that binds tokens by DPoP: the key the sign-in was started with (new with each sign-in) proves the code exchange, and stays the connection's.
  const dpopKey = settings.dpop ? (transaction.dpopKey ?? (await newDPoPKey())) : undefined;
  const dpop = dpopKey === undefined ? undefined : { DPoP: await dpopHandle(exchangeConfig, dpopKey) };

  const callbackUrl = new URL(transaction.redirectUri);
  callbackUrl.search = callbackParameters.toString();

  let response: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    const checks = {
      ...(settings.pkce !== false ? { pkceCodeVerifier: transaction.codeVerifier } : {}),
      expectedState: transaction.state,
      ...(transaction.nonce ? { expectedNonce: transaction.nonce } : {}),
      idTokenExpected: requestsOpenId(settings, transaction.scope),
    };
    const parameters = {
      ...(settings.stateAtCodeExchange ? { state: transaction.state } : {}),
      ...(settings.tokenRequestsSendScope && transaction.scope ? { scope: transaction.scope } : {}),
      ...resent,
    };
    response = await oidc.authorizationCodeGrant(exchangeConfig, callbackUrl, checks, Object.keys(parameters).length > 0 ? parameters : undefined, dpop);
  } catch (error) {
    if (error instanceof oidc.AuthorizationResponseError) {
      // A client the provider holds to PAR, configured without it (oidc-provider: "Pushed Authorization Request must be used").
      if (!settings.pushedAuthorizationRequests && /\bpushed authorization request/i.test(error.error_description ?? '')) {
        throw new ProviderUnavailableError(
          'provider_error',
          `${settings.displayName} refused the sign-in (${providerValueShown(error.error)}): its client must push its authorization requests; set ${settings.name.toUpperCase()}_PAR=on.`,
          { cause: error, providerError: providerValueShown(error.error) },
        );
      }
      const said = error.error.toLowerCase();
      const cancelled = CANCELLED.has(said);
      // RFC 6749 §4.1.2.1: access_denied is the person's no or the server's (Okta's user not assigned to the app, Auth0's unknown audience).
      const refusedToo = said === 'access_denied' ? ` or refused at ${settings.displayName}` : '';
      // The callback's `error` is whatever the link that reached it says: shown and logged only as an error code can be.
      const code = providerValueShown(error.error);
      throw new SignInError(
        cancelled ? 'access_denied' : 'authorization_error',
        cancelled ? `Sign-in with ${settings.displayName} was cancelled${refusedToo}.` : `${settings.displayName} could not complete the sign-in (${code}).`,
        { cause: error, providerError: code, providerErrorDescription: errorDescriptionLogged(error.error_description) },
      );
    }
    // The callback's own parameters failed a check, before any request: bad input, not a provider fault.
    const rejected = rejectedCallback(error);
    if (rejected === 'mismatch') {
      throw new SignInError('invalid_callback', `This sign-in response did not come from ${settings.displayName} as expected. Please sign in again.`, { cause: error });
    }
    if (rejected === 'malformed') {
      throw new SignInError('invalid_callback', `This sign-in response is incomplete: it needs exactly one code, and each parameter once. Please sign in with ${settings.displayName} again.`, { cause: error });
    }
    // A client the provider holds to DPoP, configured without it: our configuration's fault, whatever code it sends.
    if (!settings.dpop && error instanceof oidc.ResponseBodyError && /\bDPoP\b/i.test(error.error_description ?? '')) {
      throw new ProviderUnavailableError(
        'provider_error',
        `${settings.displayName} refused the sign-in (${providerValueShown(error.error)}): its client must bind tokens with DPoP; set ${settings.name.toUpperCase()}_DPOP=on.`,
        { cause: error, providerError: providerValueShown(error.error) },
      );
    }
    if (refusalCode(error) === 'invalid_grant') {
      throw new SignInError('invalid_grant', `${settings.displayName} did not accept this sign-in (it may have been used already or expired). Please sign in again.`, {
        cause: error,
        providerError: 'invalid_grant',
        providerErrorDescription: error instanceof oidc.ResponseBodyError ? errorDescriptionLogged(error.error_description) : null,
      });
    }
    const failure = describeProviderFailure(settings.displayName, 'sign-in', error);
    // A server that no longer knows the client the app registered there (its admin removed the app): the next sign-in registers anew.
    if (failure.providerError === 'invalid_client' && settings.hooks?.registerClient) {
      await provider.forgetRegisteredClient(transaction.issuer, transaction.clientId);
      throw new ProviderUnavailableError(
        'provider_error',
        `${settings.displayName} at ${new URL(transaction.issuer).host} no longer knows this app (invalid_client): sign in again, which registers it there anew.`,
        { cause: error, providerError: failure.providerError },
      );
    }
    // Any other refusal of the code exchange (invalid_client, unauthorized_client…) is our configuration's fault, not the person's.
    if (failure.providerError !== null && failure.status < 503) {
      throw new ProviderUnavailableError('provider_error', `${settings.displayName} refused the sign-in (${failure.providerError}); check the client id, secret and redirect URI registered there.`, {
        cause: error,
        providerError: failure.providerError,
      });
    }
    throw failure;
  }
  const idClaims = (response.claims() ?? {}) as Record<string, unknown>;
  const idSubject = typeof idClaims.sub === 'string' ? idClaims.sub : undefined;
  // A provider whose accounts live on servers of their own (AT Protocol): the account is verified at its home, which is its API.
  const account = await verifiedAccount(provider, exchangeConfig, response as unknown as Record<string, unknown>);
  const tokenApiBase = account?.apiBaseUrl ?? connectionApiBase(settings, response, { parameters: callbackParameters, idClaims, ...(regionalServer === undefined ? {} : { regionalServer }) });
  // A provider whose code exchange answers a short-lived token swaps it at once for the one it renews (Instagram).
  const renewed = settings.hooks?.renewAccessToken ? await renewedAtSignIn(provider, response.access_token) : undefined;
  const receivedAt = now();
  const answer = renewed ? { ...response, ...renewed, token_type: renewed.token_type ?? response.token_type, scope: renewed.scope ?? response.scope } : response;
  const profile = await readProfile(exchangeConfig, settings, answer.access_token, idSubject, response as unknown as Record<string, unknown>, tokenApiBase, dpop);
  const userinfo = profile.claims;
  // A provider that names the connection's API only in its user API's answer (Mailchimp, DocuSign): checked before anything is kept.
  const apiBase = tokenApiBase ?? profileApiBase(settings, userinfo);

  // The ID token's own claim for the stable id where its `sub` is a login name (idTokenSubjectClaim); no fallback to `sub`.
  const idTokenSubject = settings.idTokenSubjectClaim ? idClaims[settings.idTokenSubjectClaim] : idSubject;
  const profileSubject = settings.subjectClaim ? userinfo[settings.subjectClaim] : userinfo.sub;
  if (account !== undefined && profileSubject !== undefined && profileSubject !== account.subject) {
    throw new ProviderUnavailableError('provider_bad_response', `${settings.displayName} answered the profile request for another account than the one it signed in; nothing was kept.`);
  }
  const subjectValue = settings.connectOnly ? transaction.connectingUserId : account !== undefined ? account.subject : idSubject !== undefined ? idTokenSubject : profileSubject;
  const subject = typeof subjectValue === 'number' ? String(subjectValue) : subjectValue;
  if (typeof subject !== 'string' || subject.length === 0) {
    throw describeProviderFailure(settings.displayName, 'sign-in', new oidc.ClientError('the provider did not identify the user (no subject)'));
  }

  // Userinfo is the fresher profile; its `sub` was checked against the ID token above. What came with the code
  // through the browser (a preset's callbackClaims: a name) gives way to both.
  const claims = { ...settings.hooks?.callbackClaims?.(callbackParameters), ...idClaims, ...userinfo };
  const names = settings.claimNames ?? {};
  return {
    identity: {
      provider: settings.name,
      issuer: transaction.issuer,
      subject,
      // OIDC Core §5.1: `name` may be absent where `given_name` and `family_name` are sent (Dropbox).
      name: stringClaim(claims, names.name ?? 'name') ?? fullName(claims),
      email: stringClaim(claims, names.email ?? 'email') ?? profile.foundEmail?.email ?? null,
      emailVerified: booleanClaim(claims.email_verified) ?? profile.foundEmail?.verified ?? null,
      preferredUsername: stringClaim(claims, names.preferredUsername ?? 'preferred_username'),
      claims,
      providerSessionId: typeof idClaims.sid === 'string' && idClaims.sid !== '' ? idClaims.sid : null,
    },
    tokens: {
      ...tokenSetFromResponse({ ...answer, id_token: keptIdToken(response) }, receivedAt, grantedScope(settings, transaction.scope, callbackParameters), apiBase),
      ...(regionalServer === undefined ? {} : { authorizationServerUrl: regionalServer }),
      ...(atAccountServer ? { authorizationServerUrl: transaction.issuer } : {}),
      // What the code exchange sent as redirect_uri: for a provider that wants it again in each refresh.
      redirectUri: settings.redirectUriSent ?? transaction.redirectUri,
      ...(resent === undefined ? {} : { callbackParameters: resent }),
      ...(dpopKey === undefined ? {} : { dpopKey }),
    },
  };
}
