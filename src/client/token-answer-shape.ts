import { readTokenEndpointBody, rebuiltAnswer } from './provider-hooks.js';
import type { ProviderSettings } from './provider-settings.js';

/** RFC 6749 §5.1's optional members of a token answer, OpenID Connect's `id_token`, and the refresh token's lifetime. */
const OPTIONAL_MEMBERS = ['refresh_token', 'scope', 'expires_in', 'id_token', 'refresh_token_expires_in'] as const;

/**
 * A successful token answer in the shape openid-client reads, in one pass
 * over its body:
 * - without the optional members it sent as `null` (`"scope": null`, as
 *   Imgur and Mailchimp answer; `"refresh_token": null`): RFC 6749 §5.1
 *   leaves an optional member out, and openid-client refuses one that is not
 *   of its type, failing the whole sign-in or refresh over a member that says
 *   nothing. `access_token` and `token_type` are required, so a null one
 *   still fails validation;
 * - with `idTokenUnused`, without the `id_token`, for a provider whose ID
 *   tokens go unread (openid-client would otherwise check one it has no keys
 *   for);
 * - with `omitsTokenType`, an answer of an `access_token` and no
 *   `token_type` with `token_type: Bearer` (RFC 6749 §5.1 requires the
 *   member; RFC 6750's Bearer is how such providers take their tokens). An
 *   answer that names its type keeps it.
 * Any other answer, a refusal among them, is left as it came.
 */
export async function withTokenAnswerShaped(response: Response, { idTokenUnused = false, omitsTokenType = false }: Pick<ProviderSettings, 'idTokenUnused' | 'omitsTokenType'> = {}): Promise<Response> {
  if (response.status < 200 || response.status >= 300) return response;
  const { text, fields } = await readTokenEndpointBody(response);
  const dropped = (member: string, value: unknown) => (value === null && (OPTIONAL_MEMBERS as readonly string[]).includes(member)) || (idTokenUnused && member === 'id_token');
  const typeAdded = omitsTokenType && typeof fields?.access_token === 'string' && fields.token_type === undefined;
  if (!fields || (!typeAdded && !Object.entries(fields).some(([member, value]) => dropped(member, value)))) return rebuiltAnswer(response, response.status, text);
  const kept = Object.fromEntries(Object.entries(fields).filter(([member, value]) => !dropped(member, value)));
  return rebuiltAnswer(response, response.status, JSON.stringify(typeAdded ? { ...kept, token_type: 'Bearer' } : kept), 'application/json');
}
