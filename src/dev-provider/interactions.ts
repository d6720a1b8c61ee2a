import type { IncomingMessage, ServerResponse } from 'node:http';

import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Interaction } from 'oidc-provider';

import { DEMO_ACCOUNTS, authenticate, findAccountBySub } from './accounts.js';
import { escapeHtml, renderPage } from './html.js';
import { readFormBody, sendHtml } from './http-io.js';

/** Our own login and consent pages (oidc-provider's devInteractions are off). */
export const INTERACTION_PATH_PREFIX = '/interaction/';

const INTERACTION_ROUTE = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/;

const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Know who you are (your account identifier)',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Keep access while you are away',
  'notes:read': 'Read your notes',
};

function clientLabel(interaction: Interaction): string {
  return String(interaction.params.client_id ?? 'an application');
}

function loginPage(interaction: Interaction, failure?: { username: string; message: string }): string {
  const uid = escapeHtml(interaction.uid);
  const error = failure ? `<p class="error" role="alert">${escapeHtml(failure.message)}</p>\n` : '';
  const demoAccounts = DEMO_ACCOUNTS.map((account) => `<code>${escapeHtml(account.username)}</code>`).join(', ');
  return renderPage('Sign in to Toolkit', `<p>to continue to <strong>${escapeHtml(clientLabel(interaction))}</strong></p>
${error}<form method="post" action="/interaction/${uid}/login">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" required autofocus value="${escapeHtml(failure?.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p class="hint">Demo accounts: ${demoAccounts} (the password is the username).</p>
<a class="cancel" href="/interaction/${uid}/abort">Cancel</a>`);
}

function consentPage(interaction: Interaction): string {
  const uid = escapeHtml(interaction.uid);
  const account = interaction.session ? findAccountBySub(interaction.session.accountId) : undefined;
  const requested = String(interaction.params.scope ?? '').split(' ').filter(Boolean);
  const scopeItems = requested
    .map((scope) => `<li><code>${escapeHtml(scope)}</code> ${escapeHtml(SCOPE_DESCRIPTIONS[scope] ?? '')}</li>`)
    .join('\n');
  const signedInAs = account
    ? `<p class="hint">Signed in as ${escapeHtml(account.name)} (${escapeHtml(account.username)})</p>\n`
    : '';
  return renderPage('Authorize', `${signedInAs}<p><strong>${escapeHtml(clientLabel(interaction))}</strong> asks to:</p>
<ul>
${scopeItems}
</ul>
<form method="post" action="/interaction/${uid}/confirm">
<button type="submit">Allow</button>
</form>
<a class="cancel" href="/interaction/${uid}/abort">Deny</a>`);
}

/** The interaction the cookie points at, which must be the one in the URL. */
async function loadInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse, uid: string): Promise<Interaction> {
  const interaction = await provider.interactionDetails(req, res);
  if (interaction.uid !== uid) throw new errors.SessionNotFound('interaction session does not match the page');
  return interaction;
}

function expectPrompt(interaction: Interaction, name: 'login' | 'consent'): void {
  if (interaction.prompt.name !== name) {
    throw new errors.InvalidRequest(`this interaction is not waiting for ${name}`);
  }
}

async function showInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
  const interaction = await loadInteraction(provider, req, res, uid);
  switch (interaction.prompt.name) {
    case 'login':
      return sendHtml(res, 200, loginPage(interaction));
    case 'consent':
      return sendHtml(res, 200, consentPage(interaction));
    default:
      throw new errors.InvalidRequest(`unsupported interaction prompt ${interaction.prompt.name}`);
  }
}

async function submitLogin(provider: Provider, req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
  const interaction = await loadInteraction(provider, req, res, uid);
  expectPrompt(interaction, 'login');
  const form = await readFormBody(req);
  const username = form.get('username') ?? '';
  const account = authenticate(username, form.get('password') ?? '');
  if (!account) {
    sendHtml(res, 401, loginPage(interaction, { username, message: 'Wrong username or password.' }));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
}

async function confirmConsent(provider: Provider, req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
  const interaction = await loadInteraction(provider, req, res, uid);
  expectPrompt(interaction, 'consent');
  const { session, params, prompt } = interaction;
  if (!session || typeof params.client_id !== 'string') {
    throw new errors.InvalidRequest('consent needs a signed-in account and a client');
  }

  const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
  if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function abortInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
  await loadInteraction(provider, req, res, uid);
  await provider.interactionFinished(
    req,
    res,
    { error: 'access_denied', error_description: 'End-User aborted interaction' },
    { mergeWithLastSubmission: false },
  );
}

/**
 * Handles a request under /interaction/. Answers 404/405 itself for paths and
 * methods it does not know; throws oidc-provider errors for the caller to render.
 */
export async function handleInteractionRequest(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  const match = INTERACTION_ROUTE.exec(pathname);
  if (!match) {
    sendHtml(res, 404, renderPage('Not found', '<p>There is no such page.</p>'));
    return;
  }
  const uid = match[1] as string;
  const action = match[2];
  const method = req.method ?? 'GET';

  if (action === undefined && method === 'GET') return showInteraction(provider, req, res, uid);
  if (action === 'login' && method === 'POST') return submitLogin(provider, req, res, uid);
  if (action === 'confirm' && method === 'POST') return confirmConsent(provider, req, res, uid);
  if (action === 'abort' && (method === 'GET' || method === 'POST')) return abortInteraction(provider, req, res, uid);

  res.setHeader('Allow', action === undefined ? 'GET' : action === 'abort' ? 'GET, POST' : 'POST');
  sendHtml(res, 405, renderPage('Method not allowed', '<p>This page does not accept that request.</p>'));
}
