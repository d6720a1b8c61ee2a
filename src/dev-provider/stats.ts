import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

import type { DevProviderStats } from './types.js';

export function createStats(): DevProviderStats {
  return { authorizationCodeGrants: 0, refreshTokenGrants: 0, grantErrors: 0, revocations: 0, apiRequests: 0, userinfoAnswers: 0 };
}

/** Keeps `stats` up to date from the provider's events. */
export function countProviderEvents(provider: Provider, stats: DevProviderStats): void {
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const grantType = ctx.oidc.params?.grant_type;
    if (grantType === 'authorization_code') stats.authorizationCodeGrants += 1;
    else if (grantType === 'refresh_token') stats.refreshTokenGrants += 1;
  });

  provider.on('grant.error', () => {
    stats.grantErrors += 1;
  });

  // oidc-provider has no "revocation succeeded" event, and 'grant.revoked'
  // also fires when a reused refresh token kills its grant. The revocation
  // endpoint sets the token entity only once it found a revocable token, and
  // our allowedPolicy throws (400) for another client's token, so a 200 with
  // an entity is a token actually revoked (RFC 7009 answers 200 either way).
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'userinfo' && ctx.status === 200) stats.userinfoAnswers += 1;
    if (ctx.oidc?.route !== 'revocation' || ctx.status !== 200) return;
    const { AccessToken, RefreshToken, ClientCredentials } = ctx.oidc.entities;
    if (AccessToken ?? RefreshToken ?? ClientCredentials) stats.revocations += 1;
  });
}
