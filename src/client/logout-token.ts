import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { RegisteredProvider } from './provider-registry.js';

/**
 * A provider telling this site that a person's session there has ended
 * (OpenID Connect Back-Channel Logout 1.0,
 * https://openid.net/specs/openid-connect-backchannel-1_0.html): the logout
 * token it posts, checked as §2.6 says.
 */

/** §2.4: the `events` member that makes a JWT a logout token. */
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Signed with the provider's keys, as its ID tokens are: asymmetric
 * algorithms only. A MAC (HS256) would be keyed with the client secret, which
 * anyone who holds it could sign with; `none` is never a signature.
 */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/**
 * How old a logout token may be: one is posted as the provider's session
 * ends, so an older one is a replay (§2.6 lets the receiver refuse a token
 * whose iat is too far from now). Both ways, the clock tolerance of ID tokens.
 */
const MAX_AGE_SECONDS = 300;
const CLOCK_TOLERANCE_SECONDS = 60;

/** What a valid logout token ends: one session at the provider (`sid`), or every session of one person there (`sub`). */
export interface LogoutRequest {
  subject: string | null;
  providerSessionId: string | null;
  /** The token's `jti`, which §2.6 asks the receiver to take once. */
  tokenId: string;
  /** Epoch seconds after which this token is refused as too old anyway: its `jti` need not be remembered longer. */
  acceptedUntil: number;
}

/** A logout token refused, with why (for the provider's log: §2.8 sends it back as error_description). */
export class LogoutTokenError extends Error {
  override readonly name = 'LogoutTokenError';
}

/** Each provider's key set, fetched as jose caches it (refetched for an unknown `kid`, at most every 30 s). */
const keySets = new WeakMap<RegisteredProvider, { uri: string; keys: JWTVerifyGetKey }>();

function keySetOf(provider: RegisteredProvider, uri: string): JWTVerifyGetKey {
  const cached = keySets.get(provider);
  if (cached?.uri === uri) return cached.keys;
  const keys = createRemoteJWKSet(new URL(uri), {
    // Through the provider's own outbound fetch: its CA file and its timeout, as every request to it.
    [customFetch]: (url, init) => provider.send(url, { method: 'GET', headers: Object.fromEntries(new Headers(init.headers)) }),
  });
  keySets.set(provider, { uri, keys });
  return keys;
}

function stringClaim(payload: Record<string, unknown>, name: string): string | null {
  const value = payload[name];
  if (value === undefined) return null;
  if (typeof value !== 'string' || value === '') throw new LogoutTokenError(`its ${name} is not a non-empty string`);
  return value;
}

/**
 * Checks a logout token from this provider: its signature by the provider's
 * keys (jwks_uri), `iss` the provider's issuer, `aud` this client, `iat`
 * within the last five minutes, `exp` if any not passed, a `jti`, the
 * back-channel logout event, no `nonce` (so an ID token is never taken for
 * one), and a `sub` or a `sid`. An explicit type other than `logout+jwt`
 * (or the generic `JWT`) is refused.
 */
export async function verifyLogoutToken(provider: RegisteredProvider, logoutToken: string, nowSeconds: number): Promise<LogoutRequest> {
  const metadata = (await provider.configuration()).serverMetadata();
  const { clientId, displayName } = provider.settings;
  if (!metadata.jwks_uri) throw new LogoutTokenError(`${displayName} publishes no keys (jwks_uri): it cannot sign a logout token`);
  if (logoutToken.split('.').length !== 3) throw new LogoutTokenError('it is not a signed JWT');
  let payload: Record<string, unknown>;
  try {
    const verified = await jwtVerify(logoutToken, keySetOf(provider, metadata.jwks_uri), {
      algorithms: ALGORITHMS,
      issuer: metadata.issuer,
      audience: clientId,
      requiredClaims: ['iat', 'jti', 'events'],
      maxTokenAge: MAX_AGE_SECONDS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(nowSeconds * 1000),
    });
    const { typ } = verified.protectedHeader;
    if (typ !== undefined && !['logout+jwt', 'application/logout+jwt', 'jwt'].includes(typ.toLowerCase())) {
      throw new LogoutTokenError(`its type (typ) is ${JSON.stringify(typ.slice(0, 40))}, not logout+jwt`);
    }
    payload = verified.payload as Record<string, unknown>;
  } catch (error) {
    if (error instanceof LogoutTokenError) throw error;
    if (error instanceof joseErrors.JOSEError) throw new LogoutTokenError(`${error.code}: ${error.message}`, { cause: error });
    throw error;
  }
  const events = payload.events;
  const event = typeof events === 'object' && events !== null ? (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT] : undefined;
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new LogoutTokenError(`its events claim has no ${BACKCHANNEL_LOGOUT_EVENT} object`);
  }
  if ('nonce' in payload) throw new LogoutTokenError('it has a nonce, which a logout token must not have');
  const tokenId = stringClaim(payload, 'jti')!; // a required claim: present
  const subject = stringClaim(payload, 'sub');
  const providerSessionId = stringClaim(payload, 'sid');
  if (subject === null && providerSessionId === null) throw new LogoutTokenError('it names neither a sub nor a sid');
  const acceptedUntil = (payload.iat as number) + MAX_AGE_SECONDS + CLOCK_TOLERANCE_SECONDS;
  return { subject, providerSessionId, tokenId, acceptedUntil };
}
