import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startFrontEmulator, type FrontCompany, type FrontEmulator } from './front.emulator.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and a secret with the characters RFC 6749's form-encoding would change in a Basic header.
const CLIENT_ID = 'f1e2d3c4b5a6-front_app.id';
const CLIENT_SECRET = 'Fr0nt-s3cret_with.marks~and+plus';
const REDIRECT_URI = `${APP_ORIGIN}/auth/front/callback`;

function company(id: number, name: string): FrontCompany {
  return { id: `cmp_${id.toString(36)}`, name, teammates: [{ id: `tea_${id.toString(36)}`, email: `admin@${name.split(' ')[0]!.toLowerCase()}.test`, first_name: 'Pam', last_name: 'Beesly' }] };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/me moves with it). */
function frontEnv(front: FrontEmulator): Record<string, string> {
  return presetEnv('front', CLIENT_ID, CLIENT_SECRET, {
    FRONT_AUTHORIZE_URL: `${front.origin}/oauth/authorize`,
    FRONT_ACCESS_TOKEN_URL: `${front.origin}/oauth/token`,
    FRONT_API_BASE_URL: front.origin,
  });
}

/** A refresh at Front itself, as another copy of the token would make it. */
function refreshAtFront(front: FrontEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${front.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
}

const FRONT: StandardProvider<FrontCompany, FrontEmulator> = {
  preset: 'front',
  displayName: 'Front',
  startEmulator: () => startFrontEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: frontEnv,
  people: standardPeople(company),
  subjectOf: (installed) => installed.id,
};

describeEachDialect('Front, against an emulator of Front', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), FRONT);

  const signIn = (installed: FrontCompany) => signInAs(context, 'front', installed);
  const teammates = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/front/proxy/teammates`);

  it("signs in as the company id of /me, named by the company, with no e-mail; no scope asked, Basic credentials as they are, an hour-long token with a refresh token", async () => {
    const { database, emulator: front, app } = context;
    const dunder = company(1001, 'Dunder Mifflin');
    const { userId, request } = await signIn(dunder);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(dunder.id);
    expect(await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: 'Dunder Mifflin', email: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'front');
    expect(token).toMatchObject({ refreshToken: expect.any(String), tokenType: 'bearer' });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = front.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(front.server.requests.filter((r) => r.path === '/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the Core API; 20 concurrent calls on an expired token make one refresh, with Basic credentials, and the same refresh token Front answers is kept and still good', async () => {
    const { emulator: front } = context;
    const { browser, userId } = await signIn(company(1002, 'Vance Refrigeration'));
    const { after, answers } = await expectKeptAfterStorm(context, 'front', userId, () => teammates(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ _results: [{ email: 'admin@vance.test', first_name: 'Pam' }] });
    const refresh = front.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!;
    expect(refresh.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expectAccessTokenLifetime(after, 3500, 3600);
    expect((await refreshAtFront(front, after.refreshToken!)).status).toBe(200);
  });

  it("the app uninstalled in Front marks the connection 'needs re-auth' after one refused refresh", async () => {
    const { database, emulator: front } = context;
    const leaving = company(1003, 'Leaving Paper');
    const { browser, userId } = await signIn(leaving);
    front.uninstall(leaving.id);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'front', userId, () => teammates(browser));
  });

  it("an access token Front stops taking before its hour is up (the API's 401) is refreshed once, and the call made again", async () => {
    const { emulator: front, app } = context;
    const { browser, userId } = await signIn(company(1004, 'Michael Scott Paper'));
    const before = await app.runtime.tokenStore.findToken(userId, 'front');
    front.endAccessToken(before!.accessToken);
    const refreshes = front.server.counts.refresh_token ?? 0;
    expect((await teammates(browser)).status).toBe(200);
    expect(front.server.counts.refresh_token).toBe(refreshes + 1);
    expect((await app.runtime.tokenStore.findToken(userId, 'front'))!.accessToken).not.toBe(before!.accessToken);
  });

  it('disconnect deletes the tokens here and asks Front nothing: it documents no revocation', async () => {
    const { emulator: front, app } = context;
    const { browser, userId } = await signIn(company(1005, 'Sabre'));
    const requests = front.server.requests.length;
    expect(await disconnectThrough(browser, 'front')).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(front.server.requests.length).toBe(requests);
    expect(await app.runtime.tokenStore.findToken(userId, 'front')).toBeUndefined();
  });

  standardCases(() => context, FRONT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(FRONT, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
