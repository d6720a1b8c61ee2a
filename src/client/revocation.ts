import * as oidc from 'openid-client';
import { clientAuthentication } from './client-auth.js';
import { revokeWithProof } from './dpop.js';
import { describeProviderFailure, refusalCode } from './errors.js';
import type { RevocationRequest } from './provider-hooks.js';
import type { ProviderRegistry } from './provider-registry.js';
import { apiHeadersOf } from './provider-settings.js';
import { atRegionalServer } from './regional-servers.js';
import type { StoredTokenSet } from './token-store.js';

export interface RevocationResult {
  /** True when the provider confirmed that the grant is gone (revoked now, or already). */
  revokedAtProvider: boolean;
  /** Why revocation at the provider failed or did not happen; null on success. */
  error: string | null;
}

/**
 * RFC 7009 §2.2: a token the provider no longer knows is not an error
 * (Google answers 400 `invalid_token` for one already revoked, for example
 * the access token of a grant its refresh token just ended).
 */
function isAlreadyRevoked(error: unknown): boolean {
  return refusalCode(error) === 'invalid_token';
}

/**
 * A refusal (not a fault) of the access token once the refresh token's revocation succeeded: RFC 7009 §2.1 has the
 * server end the access tokens of the grant a revoked refresh token belonged to, so the grant is gone whatever it
 * answers for its access token now. Servers answer that in several ways: `unsupported_token_type` (§2.2.1), from one
 * that revokes refresh tokens only, as Amazon Cognito's `/oauth2/revoke` does
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html); `invalid_request` for the
 * access token the refresh token's revocation just ended, from Better Auth's OAuth provider (where §2.2 would have
 * 200). A server error or no answer is still a failure.
 */
function endedWithItsGrant(error: unknown, hint: 'refresh_token' | 'access_token', refreshTokenRevoked: boolean): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return refreshTokenRevoked && hint === 'access_token' && refusalCode(error) !== undefined && typeof status === 'number' && status < 500;
}

/**
 * Why a revocation failed. Disconnecting goes on whatever happened there, so
 * even an error that is not the provider's (a preset hook's own) is reported
 * rather than thrown.
 */
function failureReason(displayName: string, error: unknown): string {
  try {
    return describeProviderFailure(displayName, 'token revocation', error).message;
  } catch {
    return `The token revocation with ${displayName} failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Revokes a stored grant at its provider: through the preset's revoke hook
 * when the provider has its own way (GitHub), else RFC 7009 — the refresh
 * token first (which, at most providers, ends the whole grant), then the
 * access token, whose revocation a provider may not offer once the refresh
 * token's has ended the grant. A provider without a revocation endpoint, or one that fails,
 * is reported, not thrown: disconnecting must not depend on the provider
 * answering.
 */
export async function revokeAtProvider(
  registry: ProviderRegistry,
  token: StoredTokenSet,
  state: Pick<RevocationRequest, 'accessTokenExpired' | 'refreshTokenRefused'>,
): Promise<RevocationResult> {
  const provider = registry.get(token.provider);
  const { settings } = provider;
  const revokeHook = settings.hooks?.revoke;
  if (revokeHook) {
    try {
      // A provider with discovery names its endpoint there (Intuit's, which takes JSON rather than RFC 7009's form).
      const discovered = settings.discovery ? (await provider.configuration()).serverMetadata().revocation_endpoint : undefined;
      const endpoint = settings.endpoints?.revocationEndpoint ?? settings.metadataOverrides?.revocationEndpoint ?? discovered;
      // Refuses a regional server no longer configured: no token is sent to it.
      if (token.authorizationServerUrl) await provider.configurationAt(token.authorizationServerUrl);
      await revokeHook({
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        apiBaseUrl: settings.apiBaseUrl,
        // A connection made at one of the provider's regional servers (Zoho's data centres) is revoked there.
        revocationEndpoint: endpoint && token.authorizationServerUrl ? atRegionalServer(endpoint, token.authorizationServerUrl) : endpoint,
        apiHeaders: apiHeadersOf(settings) ?? {},
        accessToken: token.accessToken,
        ...state,
        refreshToken: token.refreshToken,
        send: (url, init) => provider.send(url, init),
      });
    } catch (error) {
      return { revokedAtProvider: false, error: failureReason(settings.displayName, error) };
    }
    return { revokedAtProvider: true, error: null };
  }

  let config: oidc.Configuration;
  try {
    config = await provider.configurationAt(token.authorizationServerUrl ?? null);
  } catch (error) {
    return { revokedAtProvider: false, error: (error as Error).message };
  }
  if (!config.serverMetadata().revocation_endpoint) {
    return { revokedAtProvider: false, error: `${settings.displayName} has no revocation endpoint` };
  }
  const requests: Array<[string, 'refresh_token' | 'access_token']> = [];
  if (token.refreshToken) requests.push([token.refreshToken, 'refresh_token']);
  requests.push([token.accessToken, 'access_token']);
  // Tokens bound by DPoP are revoked with a proof of their key (see revokeWithProof).
  const { dpopKey } = token;
  const clientAuth = dpopKey ? await clientAuthentication(settings) : undefined;
  const revoke = (value: string, hint: 'refresh_token' | 'access_token') =>
    dpopKey && clientAuth
      ? revokeWithProof(config, clientAuth, dpopKey, value, hint, { allowInsecureHttp: settings.allowInsecureHttp, timeoutSeconds: config.timeout ?? 30 })
      : oidc.tokenRevocation(config, value, { token_type_hint: hint });
  try {
    let refreshTokenRevoked = false;
    for (const [value, hint] of requests) {
      await revoke(value, hint).catch((error: unknown) => {
        if (!isAlreadyRevoked(error) && !endedWithItsGrant(error, hint, refreshTokenRevoked)) throw error;
      });
      if (hint === 'refresh_token') refreshTokenRevoked = true;
    }
  } catch (error) {
    return { revokedAtProvider: false, error: failureReason(settings.displayName, error) };
  }
  return { revokedAtProvider: true, error: null };
}
