import { decodeJwt, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import { renewAccessToken, RenewalRefusedError, type RenewedAccessToken } from './access-token-renewal.js';
import { verifiedAccount } from './account-verification.js';
import { clientCredentialsGranted } from './client-credentials-check.js';
import { connectionApiBase } from './connection-api-base.js';
import { dpopHandle } from './dpop.js';
import { describeProviderFailure, ProviderUnavailableError, refusalCode, TokenkeeperError } from './errors.js';
import type { ProviderRegistry, RegisteredProvider } from './provider-registry.js';
import type { ProviderSettings } from './provider-settings.js';
import type { StoredTokenSet } from './token-store.js';
import { keptIdToken } from './response-decryption.js';
import { tokenSetFromResponse, type TokenSet } from './token-set.js';

/** The provider refused the refresh token itself (RFC 6749 §5.2 `invalid_grant`): only a new sign-in helps. */
export class InvalidGrantError extends TokenkeeperError {
  constructor(provider: string, options: { cause: unknown; message?: string }) {
    super('invalid_grant', options.message ?? `${provider} no longer accepts the stored refresh token.`, options);
  }
}

function audiences(aud: JWTPayload['aud']): string[] {
  return aud === undefined ? [] : Array.isArray(aud) ? [...aud].sort() : [aud];
}

/**
 * OIDC Core §12.2: a refreshed ID token must name the same issuer, subject
 * and audience as the one issued at sign-in. openid-client checks `iss` and
 * `aud` against the configuration; the comparison with the stored identity
 * is ours. The subject is the claim the account is keyed by: `sub`, or
 * idTokenSubjectClaim's where `sub` is a login name that may be changed
 * between the two (an Oracle identity domain's user renamed).
 */
function assertSameIdentity(provider: string, storedIdToken: string, refreshed: oidc.IDToken, subjectClaim: string): void {
  const original = decodeJwt(storedIdToken);
  const subject = refreshed[subjectClaim];
  const same =
    refreshed.iss === original.iss &&
    subject !== undefined &&
    subject === original[subjectClaim] &&
    audiences(refreshed.aud).join(' ') === audiences(original.aud).join(' ');
  if (!same) {
    throw new ProviderUnavailableError('provider_bad_response', `${provider} returned an ID token for a different identity on refresh; it was rejected.`);
  }
}

/**
 * Refusals that only the person can lift, by signing in again: RFC 6749 §5.2's `invalid_grant`, and the
 * OpenID Connect Core §3.1.2.6 codes that Microsoft Entra ID also answers a refresh with, whose client
 * action is "retry the /authorize request" (a Conditional Access policy asking for MFA, consent withdrawn:
 * https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#error-codes-for-token-endpoint-errors).
 * Retried with a back-off instead, they would fail every few minutes for good.
 */
const NEEDS_SIGN_IN = new Set(['invalid_grant', 'interaction_required', 'login_required', 'consent_required']);

/** Refusals of the client itself (RFC 6749 §5.2): its credentials or its registration, not the user's grant. */
const CLIENT_REFUSALS = new Set(['invalid_client', 'unauthorized_client']);

/** A refresh refused for the client's sake, not the user's: a 502 naming the variables to check; the connection stays as it is. */
function clientFault(settings: Pick<ProviderSettings, 'name'>, message: string, cause: unknown, providerError: string): ProviderUnavailableError {
  const variables = `${settings.name.toUpperCase()}_CLIENT_ID, ${settings.name.toUpperCase()}_CLIENT_SECRET`;
  return new ProviderUnavailableError('provider_error', `${message.replace(/\.$/, '')}; check the client id and secret configured for it (${variables}).`, { cause, providerError });
}

/**
 * A connection without a refresh token renewed by its provider's
 * renewAccessToken hook: the new access token, with what the renewal does not
 * say (the type, the scope) kept from the stored one. A refusal for good is
 * invalid_grant's.
 */
async function renewStoredAccessToken(registry: ProviderRegistry, token: StoredTokenSet, now: () => number): Promise<TokenSet> {
  const provider = registry.get(token.provider);
  let renewed: RenewedAccessToken | undefined;
  try {
    renewed = await renewAccessToken(provider, 'refresh', token.accessToken);
  } catch (error) {
    if (error instanceof RenewalRefusedError) throw new InvalidGrantError(provider.settings.displayName, { cause: error, message: error.message });
    throw error;
  }
  const receivedAt = now();
  return tokenSetFromResponse({ ...renewed!, token_type: renewed!.token_type ?? token.tokenType }, receivedAt, token.scope);
}

/** The kept callback parameters the provider wants again in each refresh (callbackParametersResent), only those it names now. */
function resentParameters(settings: ProviderSettings, token: StoredTokenSet): Record<string, string> {
  const kept = token.callbackParameters;
  if (!kept || !settings.callbackParametersResent) return {};
  return Object.fromEntries(settings.callbackParametersResent.filter((name) => typeof kept[name] === 'string').map((name) => [name, kept[name]!]));
}

/**
 * The API base of a connection whose account its home names (verifyAccount: AT Protocol's PDS), found again from the
 * refresh's answer, as AT Protocol's clients do at each refresh: an account its server moved to another PDS is called
 * there from now on. Null keeps the base the connection has: when it is the same, and when the verification fails
 * (the directory down, or the account now hosted where this server does not speak for it), since the refresh has
 * already happened and its new tokens must be kept (the old refresh token is spent); calls then go where they went.
 * It is given one provider timeout in all, the time the refresh lease keeps for an ID token's keys (such a provider
 * sends no ID token): waiting longer could let the lease end before the new tokens are saved.
 */
async function reverifiedApiBase(provider: RegisteredProvider, config: oidc.Configuration, response: Record<string, unknown>, token: StoredTokenSet): Promise<string | null> {
  const rule = provider.settings.connectionApiBase;
  if (!rule || !('verifiedAccount' in rule)) return null;
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), (config.timeout ?? 30) * 1000);
  });
  try {
    const account = await Promise.race([verifiedAccount(provider, config, response).catch(() => undefined), outOfTime]);
    return account !== undefined && account.apiBaseUrl !== token.apiBaseUrl ? account.apiBaseUrl : null;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One refresh token grant (RFC 6749 §6): the request and the validation of
 * its answer. Stores nothing; the caller saves the result under its lease.
 */
export async function requestTokenRefresh(registry: ProviderRegistry, token: StoredTokenSet, now: () => number): Promise<TokenSet> {
  const provider = registry.get(token.provider);
  const { settings } = provider;
  if (!token.refreshToken && settings.hooks?.renewAccessToken) return renewStoredAccessToken(registry, token, now);
  if (!token.refreshToken) throw new Error('requestTokenRefresh needs a refresh token');
  // A connection made at one of the provider's regional servers (Zoho's data centres) is refreshed there.
  const config = await provider.configurationAt(token.authorizationServerUrl ?? null);
  let response: Awaited<ReturnType<typeof oidc.refreshTokenGrant>>;
  try {
    const parameters = {
      ...(settings.refreshSendsRedirectUri && token.redirectUri ? { redirect_uri: token.redirectUri } : {}),
      ...(settings.tokenRequestsSendScope && token.scope ? { scope: token.scope } : {}),
      ...resentParameters(settings, token),
    };
    // Tokens bound by DPoP are refreshed with a proof of the same key (a connection made before DPoP was on has none).
    const dpop = token.dpopKey ? { DPoP: await dpopHandle(config, token.dpopKey) } : undefined;
    response = await oidc.refreshTokenGrant(config, token.refreshToken, Object.keys(parameters).length > 0 ? parameters : undefined, dpop);
  } catch (error) {
    const refusal = refusalCode(error);
    if (refusal !== undefined && NEEDS_SIGN_IN.has(refusal)) {
      if (settings.sameRefusalForClientAndGrant && !(await clientCredentialsGranted(config, settings.displayName))) {
        const message = `${settings.displayName} refused the token refresh, and a client-credentials grant for the same client too`;
        throw clientFault(settings, message, error, refusal);
      }
      throw new InvalidGrantError(settings.displayName, { cause: error });
    }
    const failure = describeProviderFailure(settings.displayName, 'token refresh', error);
    // Any other refusal (invalid_client, unauthorized_client…) is a configuration fault, not the user's: 502.
    if (failure instanceof ProviderUnavailableError && failure.providerError !== null && CLIENT_REFUSALS.has(failure.providerError)) {
      throw clientFault(settings, failure.message, error, failure.providerError);
    }
    throw failure instanceof ProviderUnavailableError
      ? failure
      : new ProviderUnavailableError('provider_error', `${settings.displayName} refused the token refresh (${failure.code}).`, { cause: error });
  }
  const refreshedIdToken = response.claims();
  if (refreshedIdToken && token.idToken) assertSameIdentity(settings.displayName, token.idToken, refreshedIdToken, settings.idTokenSubjectClaim ?? 'sub');
  const apiBase = connectionApiBase(settings, response) ?? (await reverifiedApiBase(provider, config, response as unknown as Record<string, unknown>, token));
  const refreshed = tokenSetFromResponse({ ...response, id_token: keptIdToken(response) }, now(), token.scope, apiBase);
  // The refresh token sent, handed back (LinkedIn does), is the one kept, not a new one (RFC 6749 §6): it keeps the
  // time it was issued, from which the keep-alive counts a stated lifetime.
  return refreshed.refreshToken === token.refreshToken ? { ...refreshed, refreshToken: null } : refreshed;
}
