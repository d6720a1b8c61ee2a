import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, signInAs, startProviderTestApp } from './kit/provider-app.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startMastodonEmulator, type MastodonEmulator, type MastodonUser } from './mastodon.emulator.js';

// A client id and secret of the form POST /api/v1/apps answers (43 characters of URL-safe base64).
const CLIENT_ID = 'TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM';
const CLIENT_SECRET = 'ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw';
const REDIRECT_URI = `${APP_ORIGIN}/auth/mastodon/callback`;

function person(id: number, username: string, displayName: string): MastodonUser {
  return { id: String(id), username, displayName };
}

/** Only the documented variables: the preset, the client, and the instance's URL. */
function mastodonEnv(mastodon: MastodonEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return { OAUTH_PROVIDERS: 'mastodon', MASTODON_PRESET: 'mastodon', MASTODON_CLIENT_ID: CLIENT_ID, MASTODON_CLIENT_SECRET: CLIENT_SECRET, MASTODON_BASE_URL: mastodon.origin, ...extra };
}

const MASTODON: StandardProvider<MastodonUser, MastodonEmulator> = {
  preset: 'mastodon',
  displayName: 'Mastodon',
  startEmulator: () => startMastodonEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: mastodonEnv,
  people: {
    cancelled: person(109108, 'changedmind', 'Changed Mind'),
    'refused-code': person(109109, 'refusedcode', 'Refused Code'),
    'wrong-secret': person(109301, 'wrongsecret', 'Wrong Secret'),
    'exchange-failure': person(109302, 'outage', 'Outage Person'),
  },
  subjectOf: (user) => user.id,
};

const preferences = (browser: TestBrowser, provider = 'mastodon') => browser.get(`${APP_ORIGIN}/api/providers/${provider}/proxy/v1/preferences`);

describeEachDialect('Mastodon, against an emulator of a Mastodon instance', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), MASTODON);

  const signIn = (user: MastodonUser) => signInAs(context, 'mastodon', user);

  it('signs in as the account id of verify_credentials with the display name and no e-mail; read:accounts with PKCE S256 at the explicit endpoints (no discovery asked), the client in the form, a token with no end and no refresh token', async () => {
    const { database, emulator: mastodon, app } = context;
    const { userId, request } = await signIn(person(109101, 'ada', 'Ada Lovelace'));
    expect(request.get('scope')).toBe('read:accounts');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('state')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('109101');
    expect(JSON.parse(account.claims)).toEqual({ id: '109101', name: 'Ada Lovelace', preferred_username: 'ada' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: 'Ada Lovelace' });
    expect(await app.runtime.tokenStore.findToken(userId, 'mastodon')).toMatchObject({ refreshToken: null, expiresAt: null, scope: 'read:accounts' });
    const exchange = mastodon.server.requests.findLast((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    const form = mastodon.tokenForms.at(-1)!;
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('code_verifier')).toEqual(expect.any(String));
    expect(mastodon.server.requests.some((r) => r.path.startsWith('/.well-known/'))).toBe(false);
  });

  it('the person is the account id: a new display name signs in to the same user, renamed; an empty one is named by the username', async () => {
    const { database } = context;
    const first = await signIn(person(109111, 'grace', 'Grace Hopper'));
    const again = await signIn(person(109111, 'grace', 'Rear Admiral Hopper'));
    expect(again.userId).toBe(first.userId);
    const blank = await signIn(person(109112, 'anonymous', ''));
    const names = await database.db.selectFrom('users').select(['id', 'name']).where('id', 'in', [first.userId, blank.userId]).execute();
    expect(Object.fromEntries(names.map((row) => [row.id, row.name]))).toEqual({ [first.userId]: 'Rear Admiral Hopper', [blank.userId]: 'anonymous' });
  });

  it('the proxy calls the REST API under /api with the token as Bearer; 20 concurrent calls ask the instance for no token', async () => {
    const { emulator: mastodon, app } = context;
    const { browser, userId } = await signIn(person(109102, 'alan', 'Alan Turing'));
    const answers = await expectNoTokenRequestFor20Calls(mastodon, () => preferences(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ 'posting:default:visibility': 'public' });
    const stored = await app.runtime.tokenStore.findToken(userId, 'mastodon');
    expect(mastodon.server.requests.findLast((r) => r.path === '/api/v1/preferences')!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
  });

  it("an app the person revoked at the instance marks the connection 'needs re-auth' at the API's 401, with no token request; disconnect then counts the instance's 200 for that token as revoked", async () => {
    const { emulator: mastodon } = context;
    const leaving = person(109103, 'leaving', 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    mastodon.revokeAppAt(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'mastodon', userId, () => preferences(browser));
    await expectDisconnectRevokes(context, 'mastodon', { browser, userId }, { requests: 1 });
  });

  it('disconnect revokes the access token at POST /oauth/revoke with client_id, client_secret and token in the form, and the instance takes it no more', async () => {
    const { emulator: mastodon, app } = context;
    const { browser, userId } = await signIn(person(109104, 'goodbye', 'Goodbye Person'));
    expect(mastodon.accepts((await app.runtime.tokenStore.findToken(userId, 'mastodon'))!.accessToken)).toBe(true);
    const stored = await expectDisconnectRevokes(context, 'mastodon', { browser, userId }, { requests: 1 });
    const sent = mastodon.revocationForms.at(-1)!;
    expect({ client_id: sent.get('client_id'), client_secret: sent.get('client_secret'), token: sent.get('token') }).toEqual({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: stored.accessToken });
    expect(mastodon.accepts(stored.accessToken)).toBe(false);
  });

  it('with <NAME>_SCOPE=profile the token reads the person and nothing else: the API refuses it with 403, passed on, and the connection stays', async () => {
    const { database, emulator: mastodon } = context;
    const narrow = await startProviderTestApp({ databaseUrl: database.url, env: mastodonEnv(mastodon, { MASTODON_SCOPE: 'profile' }) });
    try {
      const { browser, userId, request } = await signInAs({ emulator: mastodon, app: narrow }, 'mastodon', person(109105, 'minimal', 'Minimal Person'));
      expect(request.get('scope')).toBe('profile');
      const answer = await preferences(browser);
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.text)).toEqual({ error: 'This action is outside the authorized scopes' });
      expect(await narrow.runtime.tokenStore.findToken(userId, 'mastodon')).toMatchObject({ scope: 'profile', status: 'active' });
    } finally {
      await narrow.close();
    }
  });

  it('verify_credentials failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, MASTODON, person(109110, 'outage2', 'Outage Again'), (mastodon) => mastodon.failNextVerifyCredentials(500));
  });

  standardCases(() => context, MASTODON, { cancelled: {}, refusedCode: { sentAs: "400 invalid_grant with Doorkeeper's WWW-Authenticate challenge" } });
});

describeClientFailures(MASTODON, { wrongSecret: { sentAs: "401 invalid_client with Doorkeeper's WWW-Authenticate challenge" }, exchangeFailure: {} });

describeEachDialect('Two Mastodon instances, two providers with the mastodon preset', (dialect) => {
  const social = { clientId: 'social-client-id-43-characters-long-aaaaaaaa', clientSecret: 'social-secret' };
  const fosstodon = { clientId: 'fosstodon-client-id-43-characters-long-bbbbb', clientSecret: 'fosstodon-secret' };
  it('each signs in and calls at its own instance, with its own app; the same account id at both is two people', async () => {
    const database = await dialect.openTestDatabase();
    const first = await startMastodonEmulator({ ...social, redirectUri: `${APP_ORIGIN}/auth/social/callback` });
    const second = await startMastodonEmulator({ ...fosstodon, redirectUri: `${APP_ORIGIN}/auth/fosstodon/callback` });
    const app = await startProviderTestApp({
      databaseUrl: database.url,
      env: {
        OAUTH_PROVIDERS: 'social,fosstodon',
        SOCIAL_PRESET: 'mastodon',
        SOCIAL_CLIENT_ID: social.clientId,
        SOCIAL_CLIENT_SECRET: social.clientSecret,
        SOCIAL_BASE_URL: first.origin,
        FOSSTODON_PRESET: 'mastodon',
        FOSSTODON_CLIENT_ID: fosstodon.clientId,
        FOSSTODON_CLIENT_SECRET: fosstodon.clientSecret,
        FOSSTODON_BASE_URL: second.origin,
      },
    });
    try {
      const atSocial = await signInAs({ emulator: first, app }, 'social', person(1, 'ada', 'Ada at social'));
      const atFosstodon = await signInAs({ emulator: second, app }, 'fosstodon', person(1, 'ada', 'Ada at fosstodon'));
      expect(atFosstodon.userId).not.toBe(atSocial.userId);
      expect((await preferences(atSocial.browser, 'social')).status).toBe(200);
      expect((await preferences(atFosstodon.browser, 'fosstodon')).status).toBe(200);
      const socialToken = await app.runtime.tokenStore.findToken(atSocial.userId, 'social');
      const fosstodonToken = await app.runtime.tokenStore.findToken(atFosstodon.userId, 'fosstodon');
      expect(first.accepts(socialToken!.accessToken)).toBe(true);
      expect(second.accepts(socialToken!.accessToken)).toBe(false);
      expect(second.accepts(fosstodonToken!.accessToken)).toBe(true);
      expect(second.server.requests.filter((r) => r.path === '/api/v1/preferences')).toHaveLength(1);
      expect(first.server.requests.filter((r) => r.path === '/api/v1/preferences')).toHaveLength(1);
    } finally {
      await app.close();
      await second.close();
      await first.close();
      await database.close();
    }
  });
});
