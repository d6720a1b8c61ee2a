import { describeProviderFailure, ProviderUnavailableError } from './errors.js';
import { AccessTokenRenewalRefused } from './provider-hooks.js';
import type { RegisteredProvider } from './provider-registry.js';

/**
 * A provider's renewal of the access token itself (the renewAccessToken
 * hook), for one that issues no refresh token but renews a live access token
 * presented to it: asked after the code exchange and in place of the refresh
 * grant. Its answer is checked as RFC 6749 §5.1 has a token answer; what it
 * does not say is taken from the token it renews.
 */

/** The members of a renewal's answer that replace the renewed token's. */
export interface RenewedAccessToken {
  access_token: string;
  token_type: string | undefined;
  /** Undefined: the provider named no lifetime, and the renewed token has none either. */
  expires_in: number | undefined;
  scope: string | undefined;
}

/** The provider refused the token for good (AccessTokenRenewalRefused): only a new sign-in helps. */
export class RenewalRefusedError extends Error {
  override readonly name = 'RenewalRefusedError';
}

/** The answer's members as RFC 6749 §5.1 types them; anything else is the provider answering nonsense (502). */
function checkedAnswer(displayName: string, answer: Record<string, unknown>): RenewedAccessToken {
  const bad = (what: string) => new ProviderUnavailableError('provider_bad_response', `${displayName} answered the access token renewal with ${what}.`);
  const { access_token: accessToken, token_type: tokenType, expires_in: expiresIn, scope } = answer;
  if (typeof accessToken !== 'string' || accessToken === '') throw bad('no access_token');
  if (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType === '')) throw bad('a token_type that is not a string');
  if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0)) throw bad('an expires_in that is not a number of seconds');
  if (scope !== undefined && typeof scope !== 'string') throw bad('a scope that is not a string');
  return { access_token: accessToken, token_type: tokenType, expires_in: expiresIn, scope };
}

/**
 * Asks the provider's renewAccessToken hook to renew `accessToken`: its answer,
 * checked, or undefined when the hook keeps the token (at sign-in only).
 * Throws RenewalRefusedError when the provider refused the token for good,
 * a ProviderUnavailableError for any other failure.
 */
export async function renewAccessToken(provider: RegisteredProvider, stage: 'sign-in' | 'refresh', accessToken: string): Promise<RenewedAccessToken | undefined> {
  const { settings } = provider;
  const hook = settings.hooks?.renewAccessToken;
  if (!hook) throw new Error(`${settings.displayName} has no renewAccessToken hook`);
  let answer: Record<string, unknown> | undefined;
  try {
    answer = await hook({
      stage,
      accessToken,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      apiBaseUrl: settings.apiBaseUrl,
      send: (url, init) => provider.send(url, init),
    });
  } catch (error) {
    if (error instanceof AccessTokenRenewalRefused) throw new RenewalRefusedError(`${settings.displayName} refused to renew the access token: ${error.message}`, { cause: error });
    throw describeProviderFailure(settings.displayName, 'access token renewal', error);
  }
  if (answer === undefined) {
    if (stage === 'sign-in') return undefined;
    throw new ProviderUnavailableError('provider_bad_response', `${settings.displayName}'s access token renewal answered nothing.`);
  }
  return checkedAnswer(settings.displayName, answer);
}
