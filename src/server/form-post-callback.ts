/**
 * Callbacks answered with `response_mode=form_post` (OAuth 2.0 Form Post
 * Response Mode, https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html):
 * the provider's page POSTs the parameters to the callback instead of
 * redirecting with them in the query. Sign in with Apple answers this way
 * whenever it is asked for the name or e-mail.
 *
 * That POST comes from the provider's site, and the browser sends no
 * SameSite=Lax cookie with a cross-site POST, so the sign-in's session is not
 * there to check the state against. Rather than loosen the session cookie,
 * the callback answers such a POST with a page that posts the same
 * parameters again, from this site, where the cookie is sent. (A redirect to
 * a GET would put them in the URL, and browsers differ on which cookies a
 * redirect chain that began on another site gets.) The page submits itself
 * with a script its CSP names by hash, and shows a button without scripts.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, SafeHtml } from './views/html.js';

/** Marks parameters this site posted again: without a session even then, the sign-in is not this browser's. */
export const RELAYED_FIELD = 'tokenkeeper_relayed';

const SUBMIT_SCRIPT = 'document.forms[0].submit();';
const SUBMIT_SCRIPT_HASH = createHash('sha256').update(SUBMIT_SCRIPT).digest('base64');

/** At most this many parameters are posted again; a real callback has a handful. */
const MAX_FIELDS = 20;

/**
 * The authorization response's parameters: the query of a GET, the form of a
 * POST (string fields only, without the relay marker).
 */
export function callbackParameters(request: FastifyRequest): URLSearchParams {
  if (request.method !== 'POST') return new URL(request.url, 'http://callback.invalid').searchParams;
  const parameters = new URLSearchParams();
  const body = request.body;
  if (body !== null && typeof body === 'object') {
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      if (typeof value === 'string' && name !== RELAYED_FIELD) parameters.append(name, value);
    }
  }
  return parameters;
}

/** Whether this POST is the one the relay page made (see relayFormPost). */
export function isRelayed(request: FastifyRequest): boolean {
  const body = request.body as Record<string, unknown> | null | undefined;
  return body !== null && typeof body === 'object' && body[RELAYED_FIELD] === '1';
}

/** The page that posts `parameters` to `action` again, from this site. */
export function relayFormPost(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const action = new URL(request.url, 'http://callback.invalid').pathname;
  const fields = [...callbackParameters(request)].slice(0, MAX_FIELDS);
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signing you in…</title></head>
<body><form method="post" action="${action}">${fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}<input type="hidden" name="${RELAYED_FIELD}" value="1"><noscript><p>Signing you in… <button type="submit">Continue</button></p></noscript></form><script>${new SafeHtml(SUBMIT_SCRIPT)}</script></body></html>`;
  return reply
    .header('content-security-policy', `default-src 'none'; script-src 'sha256-${SUBMIT_SCRIPT_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(page.value);
}
