import type { ProviderSettings } from '../../client/provider-settings.js';
import { ADMIN_LOGIN_PATH } from '../admin/auth/staff-guard.js';
import { absoluteTime, relativeTime } from './format.js';
import { html, type SafeHtml } from './html.js';

export interface AccountView {
  user: { username: string; name: string | null; email: string | null; provider: string | null; dateJoined: number; lastLogin: number | null };
  connections: ConnectionView[];
  /** Every identity that signs in as this user: (provider, subject). */
  identities: Array<{ provider: string; displayName: string; subject: string; linkedAt: number }>;
  /** Registered providers this user has no tokens for. */
  connectable: Array<{ name: string; displayName: string }>;
  claims: Record<string, unknown>;
}

export interface ConnectionView {
  provider: string;
  displayName: string;
  subject: string;
  status: 'active' | 'needs_reauth';
  scope: string | null;
  expiresAt: number | null;
  lastRefreshedAt: number | null;
  hasRefreshToken: boolean;
  /** When the refresh token expires, when the provider said (`refresh_token_expires_in`). */
  refreshTokenExpiresAt: number | null;
  lastError: string | null;
  /** Whether the provider has an API to call (`<NAME>_API_BASE_URL`, or one per connection): else no "Call the API" form. */
  hasApi: boolean;
  /** A connect-only provider's connection: no identity at the provider (its subject is the user's id), connected again, not signed in with. */
  connectionOnly: boolean;
}

export function signInPage(providers: readonly ProviderSettings[], next: string | null, notice: string | null = null): SafeHtml {
  const query = next ? `?next=${encodeURIComponent(next)}` : '';
  return html`<h1>Sign in</h1>
${notice ? html`<p class="flash" role="status">${notice}</p>` : null}
<div class="card">
<p>Choose a provider to sign in with. Tokenkeeper keeps your tokens encrypted and fresh, and never shows them.</p>
<div class="providers">
${providers.filter((p) => !p.connectOnly).map((p) => (p.hooks?.accountAuthorizationServer ? accountSignIn(p, next) : html`<a class="button" href="/login/${encodeURIComponent(p.name)}${query}">Sign in with ${p.displayName}</a>`))}
</div>
</div>`;
}

/**
 * The sign-in of a provider whose people name their own server (AT Protocol: a handle, whose PDS may be self-hosted):
 * a form that sends what they type as `login_hint`; left empty, the sign-in goes to the configured server.
 */
function accountSignIn(provider: ProviderSettings, next: string | null): SafeHtml {
  const prompt = provider.accountPrompt ?? { label: `${provider.displayName} handle (optional)`, placeholder: 'alice.bsky.social' };
  return html`<form class="account-sign-in" method="get" action="/login/${encodeURIComponent(provider.name)}">
${next ? html`<input type="hidden" name="next" value="${next}">` : null}
<label>${prompt.label} <input name="login_hint" placeholder="${prompt.placeholder}" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="256"></label>
<button class="button" type="submit">Sign in with ${provider.displayName}</button>
</form>`;
}

function expiry(expiresAt: number | null, now: number): SafeHtml {
  if (expiresAt === null) return html`<span class="muted">no expiry given</span>`;
  const cls = expiresAt <= now ? 'status-expired' : expiresAt - now < 120 ? 'status-expiring' : '';
  return html`<span class="${cls}" title="${absoluteTime(expiresAt)}">${expiresAt <= now ? 'expired ' : 'expires '}${relativeTime(expiresAt, now)}</span>
<span class="muted">(${absoluteTime(expiresAt)})</span>`;
}

/** A week before it: time to ask the person to connect again, before refreshes start failing. */
const REFRESH_TOKEN_EXPIRING_SECONDS = 7 * 86_400;

function refreshTokenState(connection: ConnectionView, now: number): SafeHtml | string {
  const expiresAt = connection.refreshTokenExpiresAt;
  if (!connection.hasRefreshToken) return 'no';
  if (expiresAt === null) return 'yes';
  const cls = expiresAt <= now ? 'status-expired' : expiresAt - now < REFRESH_TOKEN_EXPIRING_SECONDS ? 'status-expiring' : '';
  return html`yes, <span class="${cls}">${expiresAt <= now ? 'expired ' : 'expires '}${relativeTime(expiresAt, now)}</span>
<span class="muted">(${absoluteTime(expiresAt)})</span>`;
}

/** Defaults for the "Call the API" form: the dev provider's protected API has these. */
const SAMPLE_API_PATHS: Record<string, string> = { toolkit: 'notes' };

/**
 * The provider's name, read by screen readers only: with two providers connected, a list of the page's buttons or
 * fields would otherwise offer two alike "Disconnect" or "API path" (WCAG 2.4.6); the name follows the visible
 * words, which start the accessible name (WCAG 2.5.3).
 */
function forProvider(connection: ConnectionView): SafeHtml {
  return html`<span class="visually-hidden"> (${connection.displayName})</span>`;
}

function connectionActions(connection: ConnectionView, csrfToken: string): SafeHtml {
  const base = `/account/connections/${encodeURIComponent(connection.provider)}`;
  const provider = forProvider(connection);
  if (connection.status === 'needs_reauth') {
    const again = connection.connectionOnly
      ? html`<form class="inline" method="post" action="${base}"><input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit">Connect ${connection.displayName} again</button></form>`
      : html`<a class="button" href="/login/${encodeURIComponent(connection.provider)}?next=%2Faccount">Sign in with ${connection.displayName} again</a>`;
    return html`<div class="actions">${again}
<form class="inline" method="post" action="${base}/disconnect"><input type="hidden" name="_csrf" value="${csrfToken}"><button class="secondary" type="submit">Disconnect${provider}</button></form></div>`;
  }
  return html`${
    connection.hasApi
      ? html`<form class="call-api" method="get" action="${base}/call">
<label>API path${provider} <input name="path" value="${SAMPLE_API_PATHS[connection.provider] ?? ''}" size="24"></label> <button type="submit">Call the API${provider}</button>
</form>`
      : null
  }
<form class="more-access" method="post" action="${base}/scope"><input type="hidden" name="_csrf" value="${csrfToken}">
<label>More scopes${provider} <input name="scope" size="32" required placeholder="space-separated, e.g. notes:read"></label> <button class="secondary" type="submit">Ask for more access${provider}</button>
</form>
<div class="actions">
<form class="inline" method="post" action="${base}/refresh"><input type="hidden" name="_csrf" value="${csrfToken}"><button class="secondary" type="submit"${connection.hasRefreshToken ? '' : ' disabled'}>Refresh now${provider}</button></form>
<form class="inline" method="post" action="${base}/disconnect"><input type="hidden" name="_csrf" value="${csrfToken}"><button class="secondary" type="submit">Disconnect${provider}</button></form>
</div>`;
}

function connectionCard(connection: ConnectionView, now: number, csrfToken: string): SafeHtml {
  return html`<div class="card connection" data-provider="${connection.provider}">
<h3>${connection.displayName}</h3>
<dl class="fields">
<dt>Status</dt><dd class="status status-${connection.status}">${connection.status === 'active' ? 'connected' : connection.connectionOnly ? 'needs re-auth: connect again' : 'needs re-auth: sign in again'}</dd>
<dt>Access token</dt><dd class="token-expiry">${expiry(connection.expiresAt, now)}</dd>
<dt>Scopes</dt><dd>${connection.scope || html`<span class="muted">none named (the provider grants by its own settings, as a GitHub App does)</span>`}</dd>
<dt>Refresh token</dt><dd class="refresh-token">${refreshTokenState(connection, now)}</dd>
<dt>Last refreshed</dt><dd>${connection.lastRefreshedAt === null ? 'never' : html`${relativeTime(connection.lastRefreshedAt, now)} <span class="muted">(${absoluteTime(connection.lastRefreshedAt)})</span>`}</dd>
<dt>Subject</dt><dd>${connection.connectionOnly ? html`<span class="muted">none: ${connection.displayName} does not say who you are there</span>` : html`<code>${connection.subject}</code>`}</dd>
${connection.lastError ? html`<dt>Last error</dt><dd class="last-error">${connection.lastError}</dd>` : null}
</dl>
${connectionActions(connection, csrfToken)}
</div>`;
}

/** `notice`: a one-line flash from the last action (what "Ask for more access" was granted). */
export function accountPage(view: AccountView, now: number, csrfToken: string, notice: string | null = null): SafeHtml {
  const { user } = view;
  const claims = Object.entries(view.claims).filter(([key]) => !['aud', 'azp', 'nonce', 'at_hash', 'c_hash', 'sid', 'jti'].includes(key));
  return html`<h1>Your account</h1>
${notice ? html`<p class="flash" role="status">${notice}</p>` : null}
<div class="card">
<dl class="fields">
<dt>Name</dt><dd class="profile-name">${user.name ?? '—'}</dd>
<dt>E-mail</dt><dd class="profile-email">${user.email ?? '—'}</dd>
<dt>Username</dt><dd>${user.username}</dd>
<dt>Signed up with</dt><dd>${user.provider === null ? '—' : (view.identities.find((identity) => identity.provider === user.provider)?.displayName ?? user.provider)}</dd>
<dt>Joined</dt><dd>${absoluteTime(user.dateJoined)}</dd>
<dt>Last sign-in</dt><dd>${user.lastLogin === null ? '—' : absoluteTime(user.lastLogin)}</dd>
</dl>
</div>
<h2>Sign-in identities</h2>
<div class="card"><p class="muted">Each of these signs in as you. Disconnecting a provider removes its identity, unless it is your only one.</p>
<ul class="identities">${view.identities.map((identity) => html`<li>${identity.displayName} <code>${identity.subject}</code>, linked ${absoluteTime(identity.linkedAt)}</li>`)}</ul></div>
<h2>Connected providers</h2>
${view.connections.length === 0 ? html`<p class="muted">No provider connected.</p>` : view.connections.map((c) => connectionCard(c, now, csrfToken))}
${
  view.connectable.length === 0
    ? null
    : html`<div class="actions connect">${view.connectable.map(
        (p) => html`<form class="inline" method="post" action="/account/connections/${encodeURIComponent(p.name)}"><input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit">Connect ${p.displayName}</button></form>`,
      )}</div>`
}
<h2>Profile claims</h2>
<div class="card"><dl class="fields">
${claims.map(([key, value]) => html`<dt>${key}</dt><dd>${typeof value === 'string' ? value : JSON.stringify(value)}</dd>`)}
</dl></div>`;
}

export function homeSignedIn(name: string): SafeHtml {
  return html`<h1>Welcome, ${name}</h1>
<div class="card"><p>You are signed in. <a href="/account">See your account and connected providers</a>.</p></div>`;
}

/** Where an error page's one link leads: the start page, sign-in, the admin site's sign-in, or the person's account page. */
const BACK_LINKS = {
  start: html`<a href="/">Back to the start page</a>`,
  'sign-in': html`<a href="/">Back to sign-in</a>`,
  'admin-sign-in': html`<a href="${ADMIN_LOGIN_PATH}">Sign in to the admin site</a>`,
  account: html`<a href="/account">Back to your account</a>`,
} as const;

export function errorPage(status: number, message: string, back: keyof typeof BACK_LINKS): SafeHtml {
  return html`<h1>${status >= 500 ? 'Something went wrong upstream' : 'That did not work'}</h1>
<div class="card error"><p class="error-message">${message}</p>
<p>${BACK_LINKS[back]}</p></div>`;
}

/** `missingScope`: the API refused for want of scope (null: it did not), with the scope it needs ('' when not said). */
export function apiResultPage(displayName: string, path: string, status: number, body: string, missingScope: string | null = null): SafeHtml {
  return html`<h1>${displayName} API</h1>
<div class="card">
<p>GET <code>/${path.replace(/^\/+/, '')}</code> answered <strong class="api-status">${status}</strong>, called with your access token (refreshed first when needed).</p>
${
  missingScope === null
    ? null
    : html`<p class="flash" role="status">${displayName} says your access lacks a scope this call needs${missingScope ? html`: <code>${missingScope}</code>` : null}. On your account page, “Ask for more access” asks ${displayName} for it.</p>`
}
<pre class="api-body">${body}</pre>
<p><a href="/account">Back to your account</a></p>
</div>`;
}
