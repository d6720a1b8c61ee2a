/**
 * The grant behind an API request's Bearer access token (RFC 6750 §2.1), as
 * a provider's API routes read it: the grant when the token is live, else
 * the provider's own refusal (RFC 6750 §3.1 names it `invalid_token`; each
 * provider words and shapes it its own way).
 */
import type { EmulatorReply, EmulatorRequest } from './emulator-server.js';
import type { Grant } from './grants.js';

/** The live grant of the request's Bearer token, or `refusal()` when it carries none the store takes. */
export function bearerGrant<User>(grants: { grantOfAccessToken(accessToken: string): Grant<User> | undefined }, request: EmulatorRequest, refusal: () => EmulatorReply): Grant<User> | EmulatorReply {
  return grants.grantOfAccessToken(request.bearer() ?? '') ?? refusal();
}

/** Whether `bearerGrant` (or a provider's check built on it) answered a grant rather than a refusal. */
export function isGrant<User>(value: Grant<User> | EmulatorReply): value is Grant<User> {
  return 'user' in value;
}
