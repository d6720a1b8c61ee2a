import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startWikimediaEmulator, WIKIMEDIA_ACCESS_TOKEN_TTL, type WikimediaEmulator, type WikimediaUser } from './wikimedia.emulator.js';

// A client key and secret of the form Special:OAuthConsumerRegistration shows for an OAuth 2.0 client.
const CLIENT_ID = 'a5b1c2d3e4f5061728394a5b6c7d8e9f';
const CLIENT_SECRET = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const REDIRECT_URI = `${APP_ORIGIN}/auth/wikimedia/callback`;

function person(centralId: number, username: string, realname = ''): WikimediaUser {
  return { centralId, localId: centralId + 5000, username, realname, email: `${username.split(' ')[0]!.toLowerCase()}@example.org`, emailConfirmed: true };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the profile moves with the API base). */
function wikimediaEnv(wikimedia: WikimediaEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'wikimedia',
    WIKIMEDIA_PRESET: 'wikimedia',
    WIKIMEDIA_CLIENT_ID: CLIENT_ID,
    WIKIMEDIA_CLIENT_SECRET: CLIENT_SECRET,
    WIKIMEDIA_AUTHORIZE_URL: `${wikimedia.origin}/w/rest.php/oauth2/authorize`,
    WIKIMEDIA_ACCESS_TOKEN_URL: `${wikimedia.origin}/w/rest.php/oauth2/access_token`,
    WIKIMEDIA_API_BASE_URL: `${wikimedia.origin}/w`,
  };
}

/** A refresh at Meta-Wiki itself, as another copy of the token would make it. */
function refreshAtWikimedia(wikimedia: WikimediaEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${wikimedia.origin}/w/rest.php/oauth2/access_token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const WIKIMEDIA: StandardProvider<WikimediaUser, WikimediaEmulator> = {
  preset: 'wikimedia',
  displayName: 'Wikimedia',
  startEmulator: () => startWikimediaEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: wikimediaEnv,
  people: {
    cancelled: person(46618108, 'Changed Mind'),
    'refused-code': person(46618109, 'Refused Code'),
    'wrong-secret': person(46618301, 'Wrong Secret'),
    'exchange-failure': person(46618302, 'Outage Person'),
  },
  subjectOf: (user) => String(user.centralId),
};

const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/wikimedia/proxy/api.php?action=query&meta=userinfo&format=json`);
const scopes = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/wikimedia/proxy/rest.php/oauth2/resource/scopes`);

describeEachDialect('Wikimedia, against an emulator of Meta-Wiki', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WIKIMEDIA);

  const signIn = (user: WikimediaUser) => signInAs(context, 'wikimedia', user);

  it('signs in as the central user id (sub) of /oauth2/resource/profile, the username as the name and preferred username, no e-mail with the basic grant; PKCE and the client in the form; a 4-hour token with a refresh token', async () => {
    const { database, emulator: wikimedia, app } = context;
    const { userId, request } = await signIn(person(46618101, 'Ada Lovelace'));
    expect(request.get('scope')).toBe('basic');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('46618101');
    expect(JSON.parse(account.claims)).toMatchObject({ sub: 46618101, username: 'Ada Lovelace', blocked: false });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'wikimedia');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'basic' });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(WIKIMEDIA_ACCESS_TOKEN_TTL - 100);
    expect(lifetime).toBeLessThanOrEqual(WIKIMEDIA_ACCESS_TOKEN_TTL);
    const exchange = wikimedia.server.requests.find((r) => r.path === '/w/rest.php/oauth2/access_token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('a renamed account is the same person: the username changes, the central id does not', async () => {
    const { database } = context;
    const first = await signIn(person(46618105, 'Old Name'));
    const again = await signIn(person(46618105, 'New Name'));
    expect(again.userId).toBe(first.userId);
    const accounts = await database.db.selectFrom('accounts').select(['subject']).where('user_id', '=', first.userId).execute();
    expect(accounts).toEqual([{ subject: '46618105' }]);
  });

  it("the proxy calls Meta-Wiki's action API; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and the spent one is refused", async () => {
    const { emulator: wikimedia } = context;
    const { browser, userId } = await signIn(person(46618102, 'Alan Turing'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'wikimedia', userId, () => userinfo(browser));
    expect(JSON.parse(answers[0]!.text)).toEqual({ batchcomplete: '', query: { userinfo: { id: 46623102, name: 'Alan Turing' } } });
    expect(await statusAndBody(refreshAtWikimedia(wikimedia, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant', hint: 'Token has been revoked' } });
  });

  it("the app revoked at Special:OAuthManageMyGrants marks the connection 'needs re-auth' after the REST API's 401 and one refused refresh", async () => {
    const { emulator: wikimedia } = context;
    const leaving = person(46618103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    expect((await scopes(browser)).status).toBe(200);
    wikimedia.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'wikimedia', userId, () => scopes(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Wikimedia, which has no endpoint for it: no request is sent', async () => {
    const { browser, userId } = await signIn(person(46618104, 'Goodbye Person'));
    await expectDisconnectAsksNothing(context, 'wikimedia', { browser, userId });
  });

  it('the profile failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, WIKIMEDIA, person(46618110, 'Outage Profile'), (wikimedia) => wikimedia.failNextProfile(500));
  });

  standardCases(() => context, WIKIMEDIA, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Wikimedia with the mwoauth-authonlyprivate grant', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: WIKIMEDIA.startEmulator,
    env: (wikimedia) => ({ ...wikimediaEnv(wikimedia), WIKIMEDIA_SCOPE: 'basic mwoauth-authonlyprivate' }),
  });

  it('stores the real name and the e-mail, verified as confirmed_email says', async () => {
    const { database } = context;
    const confirmed = await signInAs(context, 'wikimedia', person(46618120, 'Grace Hopper', 'Grace Brewster Hopper'));
    expect(await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', confirmed.userId).executeTakeFirstOrThrow()).toMatchObject({
      email: 'grace@example.org',
      name: 'Grace Brewster Hopper',
    });
    const unconfirmed = await signInAs(context, 'wikimedia', { ...person(46618121, 'Unconfirmed Mail'), emailConfirmed: false });
    const rows = await database.db.selectFrom('users').select(['id', 'email_verified']).where('id', 'in', [confirmed.userId, unconfirmed.userId]).execute();
    const verified = Object.fromEntries(rows.map((row) => [row.id, Boolean(row.email_verified)]));
    expect(verified).toEqual({ [confirmed.userId]: true, [unconfirmed.userId]: false });
  });
});

describeEachDialect('Wikimedia with WIKIMEDIA_USER_AGENT', (dialect) => {
  const USER_AGENT = 'TokenkeeperTests/1.0 (https://example.org/contact; tests@example.org)';
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: WIKIMEDIA.startEmulator,
    env: (wikimedia) => ({ ...wikimediaEnv(wikimedia), WIKIMEDIA_USER_AGENT: USER_AGENT }),
  });

  it('names the tool with its contact on the profile request and the proxied API calls, as the User-Agent policy asks', async () => {
    const { emulator: wikimedia } = context;
    const { browser } = await signInAs(context, 'wikimedia', person(46618130, 'Policy Reader'));
    expect(wikimedia.server.requests.filter((r) => r.path === '/w/rest.php/oauth2/resource/profile').at(-1)!.headers['user-agent']).toBe(USER_AGENT);
    // A browser's own User-Agent does not replace it.
    expect((await browser.get(`${APP_ORIGIN}/api/providers/wikimedia/proxy/rest.php/oauth2/resource/scopes`, { headers: { 'user-agent': 'Mozilla/5.0' } })).status).toBe(200);
    expect(wikimedia.server.requests.at(-1)!.headers['user-agent']).toBe(USER_AGENT);
  });
});

describeClientFailures(WIKIMEDIA, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
