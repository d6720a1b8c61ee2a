import { TokenkeeperError } from './errors.js';

/** Longer than any e-mail address (RFC 5321: 254) or AT Protocol handle (253). */
export const MAX_LOGIN_HINT_LENGTH = 256;

/**
 * A `login_hint` (who the person says they are: an e-mail, a handle; OpenID Connect Core §3.1.2.1) as given with a
 * sign-in, trimmed; undefined when absent or blank (a sign-in form left empty). Anything but one printable text of at
 * most 256 characters is a `bad_request`.
 */
export function checkedLoginHint(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  const hint = typeof raw === 'string' ? raw.trim() : undefined;
  if (hint === '') return undefined;
  if (hint === undefined || hint.length > MAX_LOGIN_HINT_LENGTH || /[\u0000-\u001f\u007f]/.test(hint)) {
    throw new TokenkeeperError('bad_request', `login_hint must be given once, as text of at most ${MAX_LOGIN_HINT_LENGTH} characters (an e-mail address, a handle).`);
  }
  return hint;
}
