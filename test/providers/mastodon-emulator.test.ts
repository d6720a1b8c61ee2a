// The Mastodon emulator itself, driven with plain fetch as any client of an instance would drive it: an app registered
// at POST /api/v1/apps, a sign-in with it (authorize, token, verify_credentials, revoke), two apps kept apart, an app
// the admin removed, the registration's 422s, an instance before 4.3 (no metadata), Mastodon 4.4's userinfo and
// WebFinger, at the instance and at a handle domain apart from it. So the emulator is shown to answer as Mastodon's
// documentation says before Tokenkeeper is tested against it.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startMastodonEmulator, startWebfingerHost, type MastodonEmulator, type MastodonUser, type WebfingerHost } from './mastodon.emulator.js';

const APP = 'https://app.example.test';
const CALLBACK = `${APP}/auth/fediverse/callback`;
const ada: MastodonUser = { id: '109101', username: 'ada', displayName: 'Ada Lovelace' };
const alan: MastodonUser = { id: '109102', username: 'alan', displayName: 'Alan Turing' };

const started: Array<MastodonEmulator | WebfingerHost> = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((emulator) => emulator.close()));
});

async function instance(options: Parameters<typeof startMastodonEmulator>[0] = {}): Promise<MastodonEmulator> {
  const emulator = await startMastodonEmulator(options);
  started.push(emulator);
  return emulator;
}

interface CredentialApplication {
  id: string;
  name: string;
  website: string | null;
  scopes: string[];
  redirect_uri: string;
  redirect_uris: string[];
  client_id: string;
  client_secret: string;
  client_secret_expires_at: number;
  vapid_key: string;
}

async function register(origin: string, body: Record<string, unknown>, as: 'json' | 'form' | 'multipart' = 'json'): Promise<{ status: number; body: unknown }> {
  let init: RequestInit;
  if (as === 'json') init = { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  else {
    const entries = Object.entries(body).flatMap(([name, value]): Array<[string, string]> => (Array.isArray(value) ? value.map((item) => [`${name}[]`, String(item)]) : [[name, String(value)]]));
    if (as === 'form') init = { body: new URLSearchParams(entries) };
    else {
      const form = new FormData();
      for (const [name, value] of entries) form.append(name, value);
      init = { body: form };
    }
  }
  const answer = await fetch(`${origin}/api/v1/apps`, { method: 'POST', ...init });
  return { status: answer.status, body: await answer.json() };
}

async function registered(origin: string, body: Record<string, unknown> = {}): Promise<CredentialApplication> {
  const answer = await register(origin, { client_name: 'Tokenkeeper', redirect_uris: CALLBACK, scopes: 'read:accounts profile', website: APP, ...body });
  expect(answer.status).toBe(200);
  return answer.body as CredentialApplication;
}

/** Authorize (approved at once for whoever is signed in), then the code's exchange with the app's secret in the form. */
async function signIn(mastodon: MastodonEmulator, app: { client_id: string; client_secret: string }, user: MastodonUser, scope = 'read:accounts', redirectUri = CALLBACK) {
  mastodon.signInAs(user);
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${mastodon.origin}/oauth/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: app.client_id,
    redirect_uri: redirectUri,
    scope,
    state: 'xyz',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const redirect = await fetch(authorize, { redirect: 'manual' });
  expect(redirect.status).toBe(302);
  const back = new URL(redirect.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(redirectUri);
  expect(back.searchParams.get('state')).toBe('xyz');
  const token = await fetch(`${mastodon.origin}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirectUri, client_id: app.client_id, client_secret: app.client_secret, code_verifier: verifier }),
  });
  expect(token.status).toBe(200);
  return (await token.json()) as { access_token: string; token_type: string; scope: string; created_at: number };
}

const bearer = (origin: string, path: string, token: string) => fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
const revoke = (origin: string, form: Record<string, string>) => fetch(`${origin}/oauth/revoke`, { method: 'POST', body: new URLSearchParams(form) });

describe('POST /api/v1/apps', () => {
  it('answers the CredentialApplication of a new app each time (JSON, a form, multipart), and counts each registration', async () => {
    const mastodon = await instance();
    const first = await registered(mastodon.origin);
    expect(first).toEqual({
      id: expect.stringMatching(/^\d+$/),
      name: 'Tokenkeeper',
      website: APP,
      scopes: ['read:accounts', 'profile'],
      redirect_uri: CALLBACK,
      redirect_uris: [CALLBACK],
      client_id: expect.stringMatching(/^[\w-]{43}$/),
      client_secret: expect.stringMatching(/^[\w-]{43}$/),
      client_secret_expires_at: 0,
      vapid_key: expect.any(String),
    });
    const again = await registered(mastodon.origin);
    expect(again.id).not.toBe(first.id);
    expect(again.client_id).not.toBe(first.client_id);
    expect(again.client_secret).not.toBe(first.client_secret);

    const two = [CALLBACK, `${APP}/other`];
    const asForm = await register(mastodon.origin, { client_name: 'Form app', redirect_uris: two }, 'form');
    expect(asForm.body).toMatchObject({ name: 'Form app', website: null, scopes: ['read'], redirect_uri: two.join('\n'), redirect_uris: two });
    const multipart = await register(mastodon.origin, { client_name: 'Multipart app', redirect_uris: two.join('\n'), scopes: 'read write' }, 'multipart');
    expect(multipart.body).toMatchObject({ name: 'Multipart app', scopes: ['read', 'write'], redirect_uris: two });
    const oob = await register(mastodon.origin, { client_name: 'Desktop', redirect_uris: ['urn:ietf:wg:oauth:2.0:oob'] });
    expect(oob.body).toMatchObject({ redirect_uris: ['urn:ietf:wg:oauth:2.0:oob'] });

    expect(mastodon.server.counts.apps).toBe(5);
    expect(mastodon.apps.map((app) => app.name)).toEqual(['Tokenkeeper', 'Tokenkeeper', 'Form app', 'Multipart app', 'Desktop']);
    expect(mastodon.apps[0]).toEqual({ clientId: first.client_id, name: 'Tokenkeeper', redirectUris: [CALLBACK], scopes: ['read:accounts', 'profile'], website: APP });
  });

  it("refuses with 422 and Mastodon's validation messages: a blank name or redirect URI, a relative or fragment URI, an unknown scope", async () => {
    const mastodon = await instance();
    const refused = async (body: Record<string, unknown>) => {
      const answer = await register(mastodon.origin, body);
      expect(answer.status).toBe(422);
      return (answer.body as { error: string }).error;
    };
    expect(await refused({ redirect_uris: CALLBACK })).toBe("Validation failed: Application name can't be blank");
    expect(await refused({ client_name: '  ', redirect_uris: CALLBACK })).toBe("Validation failed: Application name can't be blank");
    expect(await refused({ client_name: 'x' })).toBe("Validation failed: Redirect URI can't be blank");
    expect(await refused({})).toBe("Validation failed: Application name can't be blank, Redirect URI can't be blank");
    expect(await refused({ client_name: 'x', redirect_uris: '/auth/callback' })).toBe('Validation failed: Redirect URI must be an absolute URI.');
    expect(await refused({ client_name: 'x', redirect_uris: `${CALLBACK}#here` })).toBe('Validation failed: Redirect URI cannot contain a fragment.');
    expect(await refused({ client_name: 'x', redirect_uris: CALLBACK, scopes: 'read openid' })).toBe("Validation failed: Scopes doesn't match configured on the server.");
    expect(mastodon.apps).toEqual([]);
  });
});

describe('sign-in with a registered app', () => {
  it('authorize, token, verify_credentials and revoke with the registered client; the token then refused', async () => {
    const mastodon = await instance();
    const app = await registered(mastodon.origin);
    const token = await signIn(mastodon, app, ada);
    expect(token).toEqual({ access_token: expect.any(String), token_type: 'Bearer', scope: 'read:accounts', created_at: expect.any(Number) });
    const me = await bearer(mastodon.origin, '/api/v1/accounts/verify_credentials', token.access_token);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: '109101', username: 'ada', display_name: 'Ada Lovelace', url: `${mastodon.origin}/@ada` });
    expect((await revoke(mastodon.origin, { client_id: app.client_id, client_secret: app.client_secret, token: token.access_token })).status).toBe(200);
    expect(mastodon.accepts(token.access_token)).toBe(false);
    expect((await bearer(mastodon.origin, '/api/v1/accounts/verify_credentials', token.access_token)).status).toBe(401);
  });

  it('checks each request against its own app: redirect URIs, scopes, secret; a code and a token of one app are not the other’s', async () => {
    const mastodon = await instance();
    const first = await registered(mastodon.origin);
    const second = await registered(mastodon.origin, { redirect_uris: [`${APP}/second`], scopes: 'read' });
    const firstToken = await signIn(mastodon, first, ada);
    const secondToken = await signIn(mastodon, second, alan, 'read', `${APP}/second`);

    // The second app's redirect URI is not the first app's: Doorkeeper's error page, no redirect.
    const wrongUri = await fetch(`${mastodon.origin}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: first.client_id, redirect_uri: `${APP}/second` })}`, { redirect: 'manual' });
    expect(wrongUri.status).toBe(400);
    expect(await wrongUri.text()).toContain('The redirect uri included is not valid.');
    // A scope the app did not register: invalid_scope, back at its redirect URI.
    const wideScope = await fetch(`${mastodon.origin}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: second.client_id, redirect_uri: `${APP}/second`, scope: 'profile' })}`, { redirect: 'manual' });
    expect(new URL(wideScope.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    // The first app's secret does not authenticate the second app.
    const crossed = await fetch(`${mastodon.origin}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${second.client_id}:${first.client_secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: `${APP}/second` }),
    });
    expect(crossed.status).toBe(401);
    expect(await crossed.json()).toMatchObject({ error: 'invalid_client' });

    // One app cannot revoke the other's token.
    const notYours = await revoke(mastodon.origin, { client_id: second.client_id, client_secret: second.client_secret, token: firstToken.access_token });
    expect(notYours.status).toBe(403);
    expect(await notYours.json()).toMatchObject({ error: 'unauthorized_client' });
    expect(mastodon.accepts(firstToken.access_token)).toBe(true);
    // Its own, by Basic.
    const own = await fetch(`${mastodon.origin}/oauth/revoke`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${second.client_id}:${second.client_secret}`).toString('base64')}` },
      body: new URLSearchParams({ token: secondToken.access_token }),
    });
    expect(own.status).toBe(200);
    expect(mastodon.accepts(secondToken.access_token)).toBe(false);
    expect(mastodon.accepts(firstToken.access_token)).toBe(true);
  });

  it('the app of the options and registered apps side by side; an app the admin removed is an unknown client and its tokens die', async () => {
    const mastodon = await instance({ clientId: 'preset-client', clientSecret: 'preset-secret', redirectUri: `${APP}/auth/mastodon/callback` });
    const preset = await signIn(mastodon, { client_id: 'preset-client', client_secret: 'preset-secret' }, ada, 'read:accounts', `${APP}/auth/mastodon/callback`);
    const app = await registered(mastodon.origin);
    const token = await signIn(mastodon, app, alan);
    expect(mastodon.apps.map((each) => each.clientId)).toEqual([app.client_id]);

    expect(mastodon.removeApp(app.client_id)).toBe(true);
    expect(mastodon.apps).toEqual([]);
    expect(mastodon.accepts(token.access_token)).toBe(false);
    expect((await bearer(mastodon.origin, '/api/v1/preferences', token.access_token)).status).toBe(401);
    expect(mastodon.accepts(preset.access_token)).toBe(true);
    const authorize = await fetch(`${mastodon.origin}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: app.client_id, redirect_uri: CALLBACK })}`, { redirect: 'manual' });
    expect(authorize.status).toBe(400);
    expect(await authorize.text()).toContain('unknown client');
    const exchange = await fetch(`${mastodon.origin}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK, client_id: app.client_id, client_secret: app.client_secret }) });
    expect(exchange.status).toBe(401);
    expect(exchange.headers.get('www-authenticate')).toMatch(/^Bearer realm="Doorkeeper", error="invalid_client"/);
    expect(mastodon.removeApp(app.client_id)).toBe(false);
  });

  it('without a client in the options, only registered apps: the emulator knows no other client', async () => {
    const mastodon = await instance();
    const unknown = await fetch(`${mastodon.origin}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', client_id: '', client_secret: '' }) });
    expect(unknown.status).toBe(401);
  });
});

describe('metadata and userinfo', () => {
  it('4.3 lists app_registration_endpoint; metadata: false is an older instance, a 404 there while the rest works', async () => {
    const current = await instance();
    const metadata = (await (await fetch(`${current.origin}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ app_registration_endpoint: `${current.origin}/api/v1/apps`, token_endpoint: `${current.origin}/oauth/token` });
    expect(metadata).not.toHaveProperty('userinfo_endpoint');
    expect((await fetch(`${current.origin}/oauth/userinfo`)).status).toBe(404);

    const old = await instance({ metadata: false });
    const none = await fetch(`${old.origin}/.well-known/oauth-authorization-server`);
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toMatch(/^text\/html/);
    const app = await registered(old.origin);
    const token = await signIn(old, app, ada);
    expect((await bearer(old.origin, '/api/v1/accounts/verify_credentials', token.access_token)).status).toBe(200);
  });

  it("userinfo: true is 4.4's /oauth/userinfo, listed in the metadata, for a token with profile (403 without)", async () => {
    const mastodon = await instance({ userinfo: true });
    const metadata = (await (await fetch(`${mastodon.origin}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata.userinfo_endpoint).toBe(`${mastodon.origin}/oauth/userinfo`);
    const app = await registered(mastodon.origin);
    const profile = await signIn(mastodon, app, ada, 'profile');
    const info = await bearer(mastodon.origin, '/oauth/userinfo', profile.access_token);
    expect(info.status).toBe(200);
    expect(await info.json()).toEqual({ sub: `${mastodon.origin}/users/ada`, name: 'Ada Lovelace', preferred_username: 'ada', profile: `${mastodon.origin}/@ada`, picture: expect.stringMatching(/^http/) });
    const accountsOnly = await signIn(mastodon, app, ada, 'read:accounts');
    expect((await bearer(mastodon.origin, '/oauth/userinfo', accountsOnly.access_token)).status).toBe(403);
  });
});

describe('WebFinger', () => {
  it('answers the JRD of an account the instance has, 404 for another, 400 without resource', async () => {
    const mastodon = await instance();
    const host = new URL(mastodon.origin).host;
    mastodon.addAccount(ada);
    const finger = (resource?: string) => fetch(`${mastodon.origin}/.well-known/webfinger${resource === undefined ? '' : `?${new URLSearchParams({ resource })}`}`);
    const answer = await finger(`acct:ada@${host}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/jrd\+json/);
    expect(await answer.json()).toMatchObject({
      subject: `acct:ada@${host}`,
      aliases: [`${mastodon.origin}/@ada`, `${mastodon.origin}/users/ada`],
      links: expect.arrayContaining([
        { rel: 'self', type: 'application/activity+json', href: `${mastodon.origin}/users/ada` },
        { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: `${mastodon.origin}/@ada` },
      ]),
    });
    expect(mastodon.handleOf(ada)).toBe(`ada@${host}`);
    expect((await finger(`acct:alan@${host}`)).status).toBe(404);
    expect((await finger('acct:ada@elsewhere.example')).status).toBe(404);
    expect((await finger()).status).toBe(400);
    // Someone who signed in is known too.
    const app = await registered(mastodon.origin);
    await signIn(mastodon, app, alan);
    expect((await finger(`acct:alan@${host}`)).status).toBe(200);
  });

  it('a handle domain apart from the instance answers with the self link at the instance', async () => {
    const mastodon = await instance();
    const handles = await startWebfingerHost({ ada: mastodon.origin });
    started.push(handles);
    const answer = await fetch(`${handles.origin}/.well-known/webfinger?${new URLSearchParams({ resource: `acct:ada@${handles.host}` })}`);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { subject: string; links: Array<{ rel: string; href?: string }> };
    expect(body.subject).toBe(`acct:ada@${handles.host}`);
    expect(body.links.find((link) => link.rel === 'self')?.href).toBe(`${mastodon.origin}/users/ada`);
    expect((await fetch(`${handles.origin}/.well-known/webfinger?${new URLSearchParams({ resource: `acct:alan@${handles.host}` })}`)).status).toBe(404);
    expect((await fetch(`${handles.origin}/.well-known/webfinger`)).status).toBe(400);
  });
});
