import * as oidc from 'openid-client';
import { describeProviderFailure, refusalCode } from './errors.js';

/**
 * Whether the provider still takes the configured client, asked with a client-credentials grant (RFC 6749 §4.4)
 * at its token endpoint, for a provider that answers a refused client as it answers a dead refresh token
 * (ProviderSettings.sameRefusalForClientAndGrant). True: a token was granted (and is let go: the provider's own
 * lifetime ends it). False: the grant was refused with an RFC 6749 §5.2 error, as a wrong client secret is.
 * Any other failure (unreachable, 5xx, 429, an answer that fails validation) says nothing about the client and
 * is thrown as the provider fault it is, so nothing is marked on a guess.
 */
export async function clientCredentialsGranted(config: oidc.Configuration, provider: string): Promise<boolean> {
  try {
    await oidc.clientCredentialsGrant(config);
    return true;
  } catch (error) {
    const refused = refusalCode(error) !== undefined && error instanceof oidc.ResponseBodyError && error.status < 500 && error.status !== 429;
    if (refused) return false;
    throw describeProviderFailure(provider, 'check of the client credentials', error);
  }
}
