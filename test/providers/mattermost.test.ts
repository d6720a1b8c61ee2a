import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startMattermostEmulator, type MattermostEmulator, type MattermostUser } from './mattermost.emulator.js';

// A client id and secret of 26 lowercase letters and digits each, as Mattermost shows them for a new OAuth 2.0 application.
const CLIENT_ID = 'k8w3pq7zx1m5rtb9c4n6yd2hfa';
const CLIENT_SECRET = 's4e9ru2jx7k1qn5wb8p3tz6mgc';
const REDIRECT_URI = `${APP_ORIGIN}/auth/mattermost/callback`;
const SESSION_SECONDS = 720 * 3600;

/** A user whose 26-character id ends in `n`; the username is the given name in lowercase. */
function person(n: number, firstName: string, lastName: string, emailVerified = true): MattermostUser {
  const username = firstName.toLowerCase();
  return { id: `u${String(n).padStart(25, '0')}`, username, firstName, lastName, email: `${username}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, and the server's Site URL. */
function mattermostEnv(mattermost: MattermostEmulator): Record<string, string> {
  return { OAUTH_PROVIDERS: 'mattermost', MATTERMOST_PRESET: 'mattermost', MATTERMOST_CLIENT_ID: CLIENT_ID, MATTERMOST_CLIENT_SECRET: CLIENT_SECRET, MATTERMOST_BASE_URL: mattermost.origin };
}

/** A refresh at Mattermost itself, as another copy of the token would make it. */
function refreshAtMattermost(mattermost: MattermostEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${mattermost.origin}/oauth/access_token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const MATTERMOST: StandardProvider<MattermostUser, MattermostEmulator> = {
  preset: 'mattermost',
  displayName: 'Mattermost',
  startEmulator: () => startMattermostEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: mattermostEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Mattermost, against an emulator of a Mattermost server', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), MATTERMOST);

  const signIn = (user: MattermostUser) => signInAs(context, 'mattermost', user);
  const teams = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/mattermost/proxy/users/me/teams`);

  it('signs in as the user id of /api/v4/users/me (not the username) with the full name and the e-mail verified as the user says; no scope, PKCE, the client in the form, a 720-hour token and a refresh token', async () => {
    const { database, emulator: mattermost, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope') ?? '').toBe('');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ preferred_username: 'ada' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(Boolean(user.email_verified)).toBe(true);
    const token = await app.runtime.tokenStore.findToken(userId, 'mattermost');
    expect(token!.refreshToken).toEqual(expect.any(String));
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(SESSION_SECONDS - 100);
    expect(lifetime).toBeLessThanOrEqual(SESSION_SECONDS);
    // The emulator takes the client from the form only, as Mattermost reads it.
    expect(mattermost.server.requests.find((r) => r.path === '/oauth/access_token')!.headers.authorization).toBeUndefined();
  });

  it('an e-mail the user object does not say is verified is kept unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(106, 'Grace', 'Hopper', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('grace@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it("the proxy calls /api/v4 with the token as Bearer; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and Mattermost takes neither old token again (the refresh token refused with its AppError 404)", async () => {
    const { emulator: mattermost } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'mattermost', userId, () => teams(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject([{ name: 'engineering' }]);
    expect(mattermost.server.requests.findLast((r) => r.path === '/api/v4/users/me/teams')!.headers.authorization).toMatch(/^Bearer /);
    expect(mattermost.accepts(before.accessToken)).toBe(false);
    expect(await statusAndBody(refreshAtMattermost(mattermost, before.refreshToken!))).toMatchObject({
      status: 404,
      body: { id: 'api.oauth.get_access_token.refresh_token.app_error', status_code: 404 },
    });
  });

  it("the app deauthorized in the person's security settings: the API refuses the token, the refresh is refused (AppError 404, read as invalid_grant), and the connection needs re-auth after one try", async () => {
    const { emulator: mattermost } = context;
    const leaving = person(103, 'Edsger', 'Dijkstra');
    const { browser, userId } = await signIn(leaving);
    mattermost.revokeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'mattermost', userId, () => teams(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Mattermost, which has no endpoint for it: no request is sent', async () => {
    const { browser, userId } = await signIn(person(104, 'Barbara', 'Liskov'));
    await expectDisconnectAsksNothing(context, 'mattermost', { browser, userId });
  });

  standardCases(() => context, MATTERMOST, { cancelled: {}, refusedCode: { sentAs: '400 AppError api.oauth.get_access_token.expired_code.app_error, read as invalid_grant' } });
});

describeClientFailures(MATTERMOST, { wrongSecret: { sentAs: '401 AppError model.oauth.validate_grant.credentials.app_error, read as invalid_client' }, exchangeFailure: {} });

describe('Mattermost in production', () => {
  const { settings, refusal } = presetInProduction('mattermost', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("takes the server's Site URL, with its sub-path, and stops start-up without one", () => {
    expect(settings({ MATTERMOST_BASE_URL: 'https://chat.acme.test/mm/' })).toMatchObject({
      displayName: 'Mattermost',
      endpoints: { authorizationEndpoint: 'https://chat.acme.test/mm/oauth/authorize', tokenEndpoint: 'https://chat.acme.test/mm/oauth/access_token' },
      apiBaseUrl: 'https://chat.acme.test/mm/api/v4',
    });
    expect(refusal({})).toContain('MATTERMOST_BASE_URL');
  });
});
