/**
 * The part of an authorization endpoint (RFC 6749 §4.1.1) that is the same
 * at every provider emulated: reading the request's scope, PKCE and nonce
 * into a code request, and redirecting back to the client with `state`.
 * What a provider does differently (its error pages, its own parameters,
 * another response mode) stays in its emulator.
 */
import { redirect, type EmulatorReply } from './emulator-server.js';
import type { CodeRequest } from './grants.js';

/** The `scope` of an authorization request, split on spaces as RFC 6749 §3.3 has it (or on the provider's own separator, e.g. a comma), empty names dropped. */
export function requestedScopes(query: URLSearchParams, separator: string | RegExp = ' '): string[] {
  return (query.get('scope') ?? '').split(separator).filter(Boolean);
}

/**
 * A code request as most providers read it: the scopes asked for (joined by
 * spaces), the PKCE challenge and method as sent (RFC 7636 §4.3), and the
 * OIDC `nonce`. An emulator overrides what its provider reads otherwise
 * (no PKCE, another scope separator, a refresh token only for some scopes).
 */
export function codeRequest<User>(query: URLSearchParams, client: { clientId: string; redirectUri: string }, user: User): CodeRequest<User> {
  return {
    clientId: client.clientId,
    redirectUri: client.redirectUri,
    scope: requestedScopes(query).join(' '),
    codeChallenge: query.get('code_challenge') ?? undefined,
    codeChallengeMethod: query.get('code_challenge_method') ?? undefined,
    nonce: query.get('nonce') ?? undefined,
    user,
  };
}

/**
 * The answers of an authorization endpoint once the redirect URI is known
 * to be the client's (RFC 6749 §4.1.2, §4.1.2.1): a redirect there carrying
 * `params` (a code, or an error; one left undefined is not sent), then
 * `always` (e.g. RFC 9207 `iss`), then the request's `state` exactly as it came.
 */
export function redirectBack(redirectUri: string, query: URLSearchParams, always: Record<string, string> = {}): (params: Record<string, string | undefined>) => EmulatorReply {
  const state = query.get('state');
  return (params) => {
    const back = new URL(redirectUri);
    for (const [name, value] of Object.entries({ ...params, ...always })) if (value !== undefined) back.searchParams.set(name, value);
    if (state !== null) back.searchParams.set('state', state);
    return redirect(back);
  };
}
