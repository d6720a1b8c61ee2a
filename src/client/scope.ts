/**
 * OAuth 2.0 scopes (RFC 6749 §3.3): a list of space-delimited, case-sensitive
 * scope tokens, each one or more of %x21 / %x23-5B / %x5D-7E (printable
 * ASCII without space, `"` and `\`).
 */

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** The longest scope text taken from a person or a service; providers' own scopes are far shorter. */
export const MAX_SCOPE_LENGTH = 2000;

/**
 * The scope tokens of `text` (separated by one or more spaces, which a form
 * field may well hold), without duplicates; undefined when a token has a
 * character RFC 6749 §3.3 does not allow, or the text is too long.
 */
export function parseScope(text: string): string[] | undefined {
  if (text.length > MAX_SCOPE_LENGTH) return undefined;
  const tokens = text.split(' ').filter((token) => token !== '');
  if (!tokens.every((token) => SCOPE_TOKEN.test(token))) return undefined;
  return [...new Set(tokens)];
}

/**
 * Every token of the given scopes, once, in the order first seen: what an
 * incremental authorization asks for (what was granted, what the provider is
 * configured with, and the extra scope), so that the new grant covers the
 * old one even at providers that replace a grant instead of adding to it.
 */
export function unionScope(...scopes: ReadonlyArray<string | null | undefined>): string {
  const tokens = new Set<string>();
  for (const scope of scopes) for (const token of (scope ?? '').split(' ')) if (token !== '') tokens.add(token);
  return [...tokens].join(' ');
}

/** Whether two scopes name the same tokens, in whatever order; null and empty are the same (none named). */
export function sameScope(a: string | null | undefined, b: string | null | undefined): boolean {
  const left = new Set((a ?? '').split(' ').filter(Boolean));
  const right = new Set((b ?? '').split(' ').filter(Boolean));
  return left.size === right.size && [...left].every((token) => right.has(token));
}

/**
 * The scope tokens that ask for a refresh token (OpenID Connect Core §11's
 * `offline_access`; X's `offline.access`; Salesforce's `refresh_token`): a
 * grant of one is carried by the refresh token, not by an access token.
 */
const OFFLINE_SCOPE_TOKENS: ReadonlySet<string> = new Set(['offline_access', 'offline.access', 'refresh_token']);

/**
 * The scope of a connection whose new access token came without a refresh
 * token, so that the stored one is kept: the new access token's scope, plus
 * the offline-access token the kept refresh token was granted with. (Without
 * consent, a provider following OpenID Connect Core §11 leaves
 * `offline_access` out of a returning sign-in's scope; the refresh token,
 * and the offline access it carries, are unchanged.)
 */
export function scopeKeepingOfflineAccess(newScope: string | null, keptScope: string | null): string | null {
  const kept = (keptScope ?? '').split(' ').filter((token) => OFFLINE_SCOPE_TOKENS.has(token));
  if (newScope === null || kept.length === 0) return newScope;
  return unionScope(newScope, kept.join(' '));
}
