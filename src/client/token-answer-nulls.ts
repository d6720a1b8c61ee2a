import { readTokenEndpointBody, rebuiltAnswer } from './provider-hooks.js';

/** RFC 6749 §5.1's optional members of a token answer, OpenID Connect's `id_token`, and the refresh token's lifetime. */
const OPTIONAL_MEMBERS = ['refresh_token', 'scope', 'expires_in', 'id_token', 'refresh_token_expires_in'] as const;

/**
 * A successful token answer without the optional members it sent as `null`
 * (`"scope": null`, as Imgur and Mailchimp answer; `"refresh_token": null`):
 * RFC 6749 §5.1 leaves an optional member out, and openid-client refuses one
 * that is not of its type, failing the whole sign-in or refresh over a member
 * that says nothing. `access_token` and `token_type` are required, so a null
 * one still fails validation. With `idTokenUnused`, the `id_token` goes too,
 * for a provider whose ID tokens go unread (openid-client would otherwise
 * check one it has no keys for). Any other answer is left as it came.
 */
export async function withNullMembersDropped(response: Response, { idTokenUnused = false }: { idTokenUnused?: boolean } = {}): Promise<Response> {
  if (response.status < 200 || response.status >= 300) return response;
  const { text, fields } = await readTokenEndpointBody(response);
  const dropped = (member: string, value: unknown) => (value === null && (OPTIONAL_MEMBERS as readonly string[]).includes(member)) || (idTokenUnused && member === 'id_token');
  if (!fields || !Object.entries(fields).some(([member, value]) => dropped(member, value))) return rebuiltAnswer(response, response.status, text);
  const kept = Object.fromEntries(Object.entries(fields).filter(([member, value]) => !dropped(member, value)));
  return rebuiltAnswer(response, response.status, JSON.stringify(kept), 'application/json');
}
