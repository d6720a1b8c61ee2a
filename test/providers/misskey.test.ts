import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { DIALECTS, describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, csrfTokenOf, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startMisskeyEmulator, type MisskeyEmulator, type MisskeyUser } from './misskey.emulator.js';

// The client id is the URL of the app's page, which links to the callback; Misskey issues no secret.
const CLIENT_ID = 'https://tokenkeeper.example.com/misskey-app/';
const REDIRECT_URI = `${APP_ORIGIN}/auth/misskey/callback`;

function person(id: number, username: string, name: string | null): MisskeyUser {
  return { id: `9mq0${String(id).padStart(6, '0')}`, username, name };
}

/** Only the documented variables: the preset, the client id (no secret) and the server's URL. */
function misskeyEnv(misskey: MisskeyEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return { OAUTH_PROVIDERS: 'misskey', MISSKEY_PRESET: 'misskey', MISSKEY_CLIENT_ID: CLIENT_ID, MISSKEY_BASE_URL: misskey.origin, ...extra };
}

const subjectAt = (misskey: MisskeyEmulator, user: MisskeyUser) => `${user.id}@${new URL(misskey.origin).host}`;

let started: MisskeyEmulator | undefined;
const MISSKEY: StandardProvider<MisskeyUser, MisskeyEmulator> = {
  preset: 'misskey',
  displayName: 'Misskey',
  startEmulator: async () => (started = await startMisskeyEmulator({ clientId: CLIENT_ID, redirectUri: REDIRECT_URI })),
  env: misskeyEnv,
  people: {
    cancelled: person(108, 'changedmind', 'Changed Mind'),
    'refused-code': person(109, 'refusedcode', 'Refused Code'),
    'exchange-failure': person(302, 'outage', 'Outage Person'),
  },
  subjectOf: (user) => subjectAt(started!, user),
};

const timeline = async (browser: TestBrowser, provider = 'misskey') =>
  browser.request(`${APP_ORIGIN}/api/providers/${provider}/proxy/notes/timeline`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { limit: 1 } });

describeEachDialect('Misskey, against an emulator of a Misskey server', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), MISSKEY);
  const signIn = (user: MisskeyUser) => signInAs(context, 'misskey', user);

  it("signs in as /api/i's id qualified by the server's host, named by its name, no e-mail; read:account with PKCE S256, no secret, the scope again at the exchange, a token with no end and no refresh token", async () => {
    const { database, emulator: misskey, app } = context;
    const ada = person(101, 'ada', 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('scope')).toBe('read:account');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(subjectAt(misskey, ada));
    expect(JSON.parse(account.claims)).toEqual({ id: subjectAt(misskey, ada), user_id: ada.id, name: 'Ada Lovelace', preferred_username: 'ada' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'misskey');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, scope: 'read:account' });
    const exchange = misskey.tokenParameters.at(-1)!;
    expect(Object.fromEntries(exchange)).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'read:account' });
    expect(exchange.get('code_verifier')).toMatch(/^[\w~.-]{43,128}$/);
    expect(exchange.has('client_secret')).toBe(false);
    expect(misskey.server.requests.findLast((r) => r.path === '/oauth/token')!.headers.authorization).toBeUndefined();
    const me = misskey.server.requests.findLast((r) => r.path === '/api/i')!;
    expect(me).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token!.accessToken}` } });
  });

  it('the person is the id: a new name signs in to the same user, renamed; no name is named by the username', async () => {
    const { database } = context;
    const first = await signIn(person(111, 'grace', 'Grace Hopper'));
    const again = await signIn(person(111, 'grace', 'Admiral Hopper'));
    expect(again.userId).toBe(first.userId);
    const unnamed = await signIn(person(112, 'anonymous', null));
    const names = await database.db.selectFrom('users').select(['id', 'name']).where('id', 'in', [first.userId, unnamed.userId]).execute();
    expect(Object.fromEntries(names.map((row) => [row.id, row.name]))).toEqual({ [first.userId]: 'Admiral Hopper', [unnamed.userId]: 'anonymous' });
  });

  it('the proxy POSTs JSON to the API under /api with the token as Bearer; 20 concurrent calls ask the server for no token', async () => {
    const { emulator: misskey, app } = context;
    const { browser, userId } = await signIn(person(102, 'alan', 'Alan Turing'));
    const answers = await expectNoTokenRequestFor20Calls(misskey, () => timeline(browser));
    expect(JSON.parse(answers[0]!.text)).toEqual([expect.objectContaining({ text: 'Hello, fediverse' })]);
    const stored = await app.runtime.tokenStore.findToken(userId, 'misskey');
    expect(misskey.server.requests.findLast((r) => r.path === '/api/notes/timeline')!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
  });

  it("the server's own refusals: no token is 401 CREDENTIAL_REQUIRED, an unknown one 401 AUTHENTICATION_FAILED; a code exchange without scope or verifier, or with a secret, is refused", async () => {
    const { emulator: misskey } = context;
    const call = (headers: Record<string, string>, body: unknown = {}) => fetch(`${misskey.origin}/api/i`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const none = await call({});
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'CREDENTIAL_REQUIRED' } });
    const unknown = await call({}, { i: 'not-a-token' });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: { code: 'AUTHENTICATION_FAILED' } });
    const exchange = (members: Record<string, string>) => fetch(`${misskey.origin}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'authorization_code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, code: 'c', ...members }) });
    expect(await (await exchange({ code_verifier: 'v'.repeat(43) })).json()).toMatchObject({ error: 'invalid_request', error_description: 'scope is missing' });
    expect(await (await exchange({ scope: 'read:account' })).json()).toMatchObject({ error: 'invalid_request', error_description: 'code_verifier is missing' });
    expect((await exchange({ scope: 'read:account', code_verifier: 'v'.repeat(43), client_secret: 'x' })).status).toBe(401);
  });

  it("an app the person revoked marks the connection 'needs re-auth' at the API's 401, with no token request", async () => {
    const { emulator: misskey } = context;
    const leaving = person(103, 'leaving', 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    misskey.revokeAccess(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'misskey', userId, () => timeline(browser));
  });

  it('disconnect asks Misskey nothing (it documents no revocation) and forgets the token, which the server still takes', async () => {
    const { emulator: misskey, app } = context;
    const { browser, userId } = await signIn(person(104, 'goodbye', 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'misskey'))!;
    await expectDisconnectAsksNothing(context, 'misskey', { browser, userId });
    expect(misskey.accepts(stored.accessToken)).toBe(true);
  });

  it('/api/i failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, MISSKEY, person(110, 'outage2', 'Outage Again'), (misskey) => misskey.failNextProfile(500));
  });

  standardCases(() => context, MISSKEY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

// No wrong-secret case: Misskey's clients have no secret, and one set anyway stops start-up.
describe('Misskey failing the code exchange', () => {
  const context = useProviderTest(() => DIALECTS[0]!.openTestDatabase(), MISSKEY);
  standardCases(() => context, MISSKEY, { exchangeFailure: {} }, { emptyDatabase: true });
});

describeEachDialect('Two Misskey servers, two providers with the misskey preset', (dialect) => {
  it('each signs in and calls at its own server; the same user id at both is two people', async () => {
    const database = await dialect.openTestDatabase();
    const first = await startMisskeyEmulator({ clientId: CLIENT_ID, redirectUri: `${APP_ORIGIN}/auth/io/callback` });
    const second = await startMisskeyEmulator({ clientId: CLIENT_ID, redirectUri: `${APP_ORIGIN}/auth/design/callback` });
    const app = await startProviderTestApp({
      databaseUrl: database.url,
      env: { OAUTH_PROVIDERS: 'io,design', IO_PRESET: 'misskey', IO_CLIENT_ID: CLIENT_ID, IO_BASE_URL: first.origin, DESIGN_PRESET: 'misskey', DESIGN_CLIENT_ID: CLIENT_ID, DESIGN_BASE_URL: second.origin },
    });
    try {
      const atIo = await signInAs({ emulator: first, app }, 'io', person(1, 'ada', 'Ada at io'));
      const atDesign = await signInAs({ emulator: second, app }, 'design', person(1, 'ada', 'Ada at design'));
      expect(atDesign.userId).not.toBe(atIo.userId);
      const subjects = await database.db.selectFrom('accounts').select(['provider', 'subject']).orderBy('provider').execute();
      expect(subjects).toEqual([
        { provider: 'design', subject: subjectAt(second, person(1, 'ada', null)) },
        { provider: 'io', subject: subjectAt(first, person(1, 'ada', null)) },
      ]);
      expect((await timeline(atIo.browser, 'io')).status).toBe(200);
      expect((await timeline(atDesign.browser, 'design')).status).toBe(200);
      expect(first.server.requests.filter((r) => r.path === '/api/notes/timeline')).toHaveLength(1);
      expect(second.server.requests.filter((r) => r.path === '/api/notes/timeline')).toHaveLength(1);
    } finally {
      await app.close();
      await second.close();
      await first.close();
      await database.close();
    }
  });
});

describe('Misskey in production', () => {
  it("with the client id and the server's URL, signs in at its /oauth endpoints as a public client, reads /api/i with a POST and calls /api", () => {
    expect(providerSettings({ MISSKEY_PRESET: 'misskey', MISSKEY_CLIENT_ID: CLIENT_ID, MISSKEY_BASE_URL: 'https://misskey.io/' }, 'misskey', true)).toMatchObject({
      displayName: 'Misskey',
      endpoints: {
        authorizationEndpoint: 'https://misskey.io/oauth/authorize',
        tokenEndpoint: 'https://misskey.io/oauth/token',
        userinfoEndpoint: 'https://misskey.io/api/i',
      },
      scope: 'read:account',
      apiBaseUrl: 'https://misskey.io/api',
      tokenEndpointAuthMethod: 'none',
      tokenRequestsSendScope: true,
      userinfoPostJson: {},
      subjectClaim: 'id',
    });
  });

  it('a client secret set stops start-up, and so does a missing server URL', () => {
    expect(() => providerSettings({ MISSKEY_PRESET: 'misskey', MISSKEY_CLIENT_ID: CLIENT_ID, MISSKEY_CLIENT_SECRET: 'x', MISSKEY_BASE_URL: 'https://misskey.io' }, 'misskey', true)).toThrow(/MISSKEY_CLIENT_SECRET/);
    expect(() => providerSettings({ MISSKEY_PRESET: 'misskey', MISSKEY_CLIENT_ID: CLIENT_ID }, 'misskey', true)).toThrow(/MISSKEY_BASE_URL/);
  });
});
