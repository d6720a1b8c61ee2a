/**
 * Callbacks answered with `response_mode=form_post` (OAuth 2.0 Form Post
 * Response Mode, https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html):
 * the provider's page POSTs the parameters to the callback instead of
 * redirecting with them in the query. Sign in with Apple answers this way
 * whenever it is asked for the name or e-mail.
 *
 * That POST comes from the provider's site, and a browser sends no
 * SameSite=Lax cookie with a cross-site POST, so whatever binds the sign-in
 * to the browser (a session, a sealed transaction) is not there. Rather than
 * loosen that cookie, the callback answers such a POST with a page that
 * posts the same parameters again from its own site, where the cookie is
 * sent. (A redirect to a GET would put them in the URL, and browsers differ
 * on which cookies a redirect chain that began on another site gets.) The
 * page submits itself with a script its CSP allows by hash, and shows a
 * button without scripts. Framework-free: the app's routes and the Fastify
 * adapter both use it.
 */
import { createHash } from 'node:crypto';

/** Marks parameters the relay page posted: without the cookie even then, the sign-in is not this browser's. */
export const RELAYED_FIELD = 'tokenkeeper_relayed';

const SUBMIT_SCRIPT = 'document.forms[0].submit();';
const SUBMIT_SCRIPT_HASH = createHash('sha256').update(SUBMIT_SCRIPT).digest('base64');
/** Readable on a phone without JavaScript (where its Continue button shows): the one style, allowed by its hash. */
const STYLE = 'body{font-family:system-ui,sans-serif;margin:40px 16px;font-size:1.1em}button{font-size:1em;padding:10px 18px}';
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** At most this many parameters are posted again; a real callback has a handful. */
const MAX_FIELDS = 20;

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);

/** A posted form body (as the framework parsed it) as parameters: string fields only, without the relay marker. */
export function formPostParameters(body: unknown): URLSearchParams {
  const parameters = new URLSearchParams();
  if (body !== null && typeof body === 'object') {
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      if (typeof value === 'string' && name !== RELAYED_FIELD) parameters.append(name, value);
    }
  }
  return parameters;
}

/** Whether a posted form body is the one the relay page sent. */
export function isRelayedFormPost(body: unknown): boolean {
  return body !== null && typeof body === 'object' && (body as Record<string, unknown>)[RELAYED_FIELD] === '1';
}

/** The relay page for `parameters`, posting to `action` (a path of this site), and the CSP it must be served with. */
export function formPostRelayPage(action: string, parameters: URLSearchParams): { html: string; contentSecurityPolicy: string } {
  const inputs = [...parameters]
    .slice(0, MAX_FIELDS)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join('');
  const html =
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>Signing you in…</title><style>${STYLE}</style></head>\n` +
    `<body><form method="post" action="${escape(action)}">${inputs}<input type="hidden" name="${RELAYED_FIELD}" value="1">` +
    `<noscript><p>Signing you in… <button type="submit">Continue</button></p></noscript></form><script>${SUBMIT_SCRIPT}</script></body></html>`;
  return {
    html,
    contentSecurityPolicy: `default-src 'none'; script-src 'sha256-${SUBMIT_SCRIPT_HASH}'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  };
}
