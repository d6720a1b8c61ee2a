/**
 * Access tokens that are JWTs signed by the emulated provider (EVE Online's SSO, Auth0 with an audience): each is
 * issued over one of the grant store's opaque tokens, so the store still decides whether it is live, expired or
 * revoked, and the emulator's API finds the grant behind the JWT it is shown.
 */
import type { JWTPayload } from 'jose';
import type { GrantStore } from './grants.js';
import type { SigningKey } from './signing.js';

export interface JwtAccessTokens<User> {
  /** A JWT for the store's access token `opaque`, living `lifetimeSeconds`, with `claims` (the store's token is its `jti`). */
  issue(opaque: string, claims: JWTPayload, lifetimeSeconds: number): Promise<string>;
  /** The grant behind a JWT this issued, while its store token is live; undefined for any other token. */
  grantOfAccessToken(accessToken: string): ReturnType<GrantStore<User>['grantOfAccessToken']>;
}

export function jwtAccessTokens<User>(grants: GrantStore<User>, key: SigningKey): JwtAccessTokens<User> {
  const opaqueOf = new Map<string, string>();
  return {
    async issue(opaque, claims, lifetimeSeconds) {
      const jwt = await key.signIdToken({ ...claims, jti: opaque }, lifetimeSeconds);
      opaqueOf.set(jwt, opaque);
      return jwt;
    },
    grantOfAccessToken: (accessToken) => {
      const opaque = opaqueOf.get(accessToken);
      return opaque === undefined ? undefined : grants.grantOfAccessToken(opaque);
    },
  };
}
