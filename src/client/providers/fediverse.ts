/**
 * Mastodon on any server: the person names their server (or their address, `@alice@example.social`) at sign-in, and
 * the app registers itself there the first time someone signs in from it, as Mastodon's own clients do; the
 * `mastodon` preset is the one for a single server whose app was registered by hand. `<NAME>_BASE_URL` is the server
 * a sign-in goes to when the person names none (`https://mastodon.social`). Servers of Mastodon 4.3 and later, whose
 * RFC 8414 metadata says where everything is; servers of other software that publish the same metadata and
 * registration work too. From Mastodon's pages:
 * - `GET /.well-known/oauth-authorization-server` (since 4.3; an older server answers 404, and is refused with a clear
 *   message) names the `authorization_endpoint`, `token_endpoint`, `revocation_endpoint` and
 *   `app_registration_endpoint` (https://docs.joinmastodon.org/methods/oauth/#authorization-server-metadata);
 * - an app registers with `POST /api/v1/apps`, a form of `client_name`, `redirect_uris`, `scopes` and `website`,
 *   answered with its `client_id` and `client_secret` (https://docs.joinmastodon.org/methods/apps/#create); a server
 *   knows only its own apps, so there is one client per server, kept in the database and used by every process;
 * - `profile` (since 4.3) reaches `GET /api/v1/accounts/verify_credentials` and nothing else
 *   (https://docs.joinmastodon.org/api/oauth-scopes/#profile): it is what is asked, and the scopes the app's calls need
 *   are added with `<NAME>_SCOPE` (a server registered with other scopes is registered at again);
 * - the code exchange and the revocation take the client in the form, PKCE is `S256`
 *   (https://docs.joinmastodon.org/methods/oauth/), and tokens do not expire
 *   (https://docs.joinmastodon.org/api/oauth-tokens/): nothing is refreshed;
 * - an address is found by WebFinger, `GET https://<domain>/.well-known/webfinger?resource=acct:<user>@<domain>`,
 *   whose `self` link is the account's actor on its server (https://docs.joinmastodon.org/spec/webfinger/): the
 *   domain of an address may be another host than its server's.
 * The person is the `id` of verify_credentials at the server they signed in at, qualified by that server's host
 * (`109302@mastodon.social`): an id is the key of that server's database, not unique across servers. The name is the
 * display name, else the username; Mastodon gives apps no e-mail. API calls go to that server's `/api`.
 * Every server named by a person is reached at public addresses only, in production.
 * Not checked against Mastodon's pages: that every server of 4.3 and later serves `profile` to apps registered for it
 * (the docs say the scope came with 4.3), and whether an admin's removal of the app answers the code exchange
 * `invalid_client` (Doorkeeper's refusal of an unknown client is assumed): the kept client is then forgotten, and the
 * next sign-in registers anew.
 */
import { ProviderUnavailableError, TokenkeeperError } from '../errors.js';
import type { AccountAuthorizationServer, AccountVerificationRequest, AuthorizationServerRequest, ClientRegistrationRequest, VerifiedAccount } from '../provider-hooks.js';
import type { RegisteredClient } from '../client-registration.js';
import { objectOf, type ProviderPreset } from './preset.js';
import { hostOrigin, rootOrigin } from './server-origin.js';
import { textMembers, trimmedText } from './profile-text.js';

/** A host name (labels of letters, digits and hyphens) or IPv4 address, with an optional port. */
const HOST = /^(?=.{1,253}(:\d{1,5})?$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/i;
/** `user@domain` or `@user@domain`: Mastodon usernames are letters, digits and underscores (dots and hyphens elsewhere). */
const ADDRESS = /^@?([a-z0-9_][a-z0-9_.-]{0,99})@(.+)$/i;

/** A host as its origin, lower case: https, or http for a loopback host in development and tests. */
function originOf(host: string, allowInsecureHttp: boolean): string {
  return hostOrigin(host.toLowerCase(), allowInsecureHttp);
}

function notAServer(hint: string): TokenkeeperError {
  return new TokenkeeperError('bad_request', `"${hint.slice(0, 100)}" is not a Mastodon server (such as mastodon.social) or address (such as @alice@mastodon.social).`);
}

/** The origin a server is named by: a host, or an http(s) URL of its root. */
function serverOrigin(named: string, allowInsecureHttp: boolean): string | undefined {
  return HOST.test(named) ? originOf(named, allowInsecureHttp) : rootOrigin(named, allowInsecureHttp);
}

/** The parsed JSON of a 200 answer (undefined when it is not JSON); any other answer's body is let go, undefined. */
async function bodyOf200(response: Response): Promise<unknown> {
  if (response.status === 200) return response.json().catch(() => undefined);
  await response.body?.cancel().catch(() => {});
  return undefined;
}

/** The server of an address, by WebFinger at its domain: the origin of its `self` link, the account's actor. */
async function addressServer(request: AuthorizationServerRequest, user: string, domain: string): Promise<string> {
  const origin = originOf(domain, request.allowInsecureHttp);
  const address = `${user}@${domain.toLowerCase()}`;
  const url = `${origin}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${address}`)}`;
  const response = await request.send(url, { method: 'GET', headers: { accept: 'application/jrd+json, application/json' } });
  const body = await bodyOf200(response);
  if (response.status === 404 || response.status === 400) throw new TokenkeeperError('bad_request', `${domain} knows no account @${address}.`);
  if (response.status >= 500) throw new ProviderUnavailableError('provider_error', `${domain} answered HTTP ${response.status} for the WebFinger lookup of @${address}.`);
  const links = objectOf(body)?.links;
  const self = Array.isArray(links)
    ? links.map(objectOf).find((link) => link?.rel === 'self' && typeof link.href === 'string' && /^application\/(activity\+json|ld\+json)/.test(String(link.type ?? '')))
    : undefined;
  const server = typeof self?.href === 'string' ? serverOrigin(new URL(self.href).origin, request.allowInsecureHttp) : undefined;
  if (server === undefined) throw new ProviderUnavailableError('provider_bad_response', `${domain} answered the WebFinger lookup of @${address} without the account's actor.`);
  return server;
}

/** The server a person named, as its issuer (Mastodon's is its root URL); Mastodon takes no `login_hint`, so none is passed on. */
async function fediverseServer(request: AuthorizationServerRequest): Promise<AccountAuthorizationServer> {
  const hint = request.loginHint.trim();
  const address = ADDRESS.exec(hint);
  const origin = address ? (HOST.test(address[2]!) ? await addressServer(request, address[1]!, address[2]!) : undefined) : serverOrigin(hint, request.allowInsecureHttp);
  if (origin === undefined) throw notAServer(hint);
  return { issuer: `${origin}/`, loginHint: '' };
}

/** The account the sign-in's token belongs to, at the server it was issued by: its qualified id and that server's API. */
async function verifyFediverseAccount(request: AccountVerificationRequest): Promise<VerifiedAccount> {
  const server = new URL(request.issuer);
  const token = request.answer.access_token;
  if (typeof token !== 'string') throw new ProviderUnavailableError('provider_bad_response', `${server.host} issued no access token.`);
  const response = await request.send(`${server.origin}/api/v1/accounts/verify_credentials`, { method: 'GET', headers: { accept: 'application/json', authorization: `Bearer ${token}` } });
  const body = await bodyOf200(response);
  if (response.status >= 500) throw new ProviderUnavailableError('provider_error', `${server.host} answered HTTP ${response.status} for the account that signed in.`);
  const id = objectOf(body)?.id;
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
    throw new ProviderUnavailableError('provider_bad_response', `${server.host} did not say which account signed in (HTTP ${response.status}); nothing was kept.`);
  }
  return { subject: `${id}@${server.host}`, apiBaseUrl: `${server.origin}/api` };
}

/** Registers the app at the server's app registration endpoint (on the server's own origin), with its callback and scopes. */
async function registerMastodonApp(request: ClientRegistrationRequest): Promise<Pick<RegisteredClient, 'clientId' | 'clientSecret'>> {
  const server = new URL(request.issuer);
  const named = request.metadata.app_registration_endpoint;
  const endpoint = typeof named === 'string' ? named : `${server.origin}/api/v1/apps`;
  if (new URL(endpoint).origin !== server.origin) {
    throw new ProviderUnavailableError('provider_bad_response', `${server.host} names an app registration endpoint on another host (${new URL(endpoint).host}); nothing was registered.`);
  }
  const form = new URLSearchParams({ client_name: request.clientName, redirect_uris: request.redirectUri, scopes: request.scope, website: request.website });
  const response = await request.send(endpoint, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  const body = objectOf(await response.json().catch(() => undefined));
  if (response.status >= 500) throw new ProviderUnavailableError('provider_error', `${server.host} answered HTTP ${response.status} when this app registered there.`);
  if (response.status !== 200 || typeof body?.client_id !== 'string' || typeof body.client_secret !== 'string' || body.client_id === '') {
    const said = typeof body?.error === 'string' ? `: ${body.error.slice(0, 200)}` : '';
    throw new ProviderUnavailableError('provider_bad_response', `${server.host} refused to register this app (HTTP ${response.status}${said}).`);
  }
  return { clientId: body.client_id, clientSecret: body.client_secret };
}

/** verify_credentials as claims: the display name (else the username) and the username. */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const account = objectOf(body);
  if (typeof account?.id !== 'string') return undefined;
  const username = trimmedText(account.username);
  return textMembers({ name: trimmedText(account.display_name) ?? username, preferred_username: username });
}

export const fediverse: ProviderPreset = {
  displayName: 'Mastodon',
  values: { baseUrl: 'issuer' },
  settings: ({ baseUrl }) => ({
    discovery: { issuer: baseUrl ?? '', wellKnown: 'oauth-authorization-server' },
    scope: 'profile',
    tokenEndpointAuthMethod: 'client_secret_post',
    connectionApiBase: { verifiedAccount: true, userinfoPath: '/v1/accounts/verify_credentials' },
    publicAddressesOnly: true,
    accountPrompt: { label: 'Your Mastodon server or address (optional)', placeholder: 'mastodon.social or @alice@mastodon.social' },
    hooks: { accountAuthorizationServer: fediverseServer, verifyAccount: verifyFediverseAccount, registerClient: registerMastodonApp, profileClaims },
  }),
};
