import * as oidc from 'openid-client';
import { describeProviderFailure } from './errors.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { StoredTokenSet } from './token-store.js';

export interface RevocationResult {
  /** True when the provider has a revocation endpoint and accepted every request. */
  revokedAtProvider: boolean;
  /** Why revocation at the provider failed or did not happen; null on success. */
  error: string | null;
}

/**
 * RFC 7009: revokes the refresh token (which, at most providers, ends the
 * whole grant) and then the access token. A provider without a revocation
 * endpoint, or one that fails, is reported, not thrown: disconnecting must
 * not depend on the provider answering.
 */
export async function revokeAtProvider(registry: ProviderRegistry, token: StoredTokenSet): Promise<RevocationResult> {
  const provider = registry.get(token.provider);
  let config: oidc.Configuration;
  try {
    config = await provider.configuration();
  } catch (error) {
    return { revokedAtProvider: false, error: (error as Error).message };
  }
  if (!config.serverMetadata().revocation_endpoint) {
    return { revokedAtProvider: false, error: `${provider.settings.displayName} has no revocation endpoint` };
  }
  const requests: Array<[string, 'refresh_token' | 'access_token']> = [];
  if (token.refreshToken) requests.push([token.refreshToken, 'refresh_token']);
  requests.push([token.accessToken, 'access_token']);
  try {
    for (const [value, hint] of requests) {
      await oidc.tokenRevocation(config, value, { token_type_hint: hint });
    }
  } catch (error) {
    return { revokedAtProvider: false, error: describeProviderFailure(provider.settings.displayName, 'token revocation', error).message };
  }
  return { revokedAtProvider: true, error: null };
}
