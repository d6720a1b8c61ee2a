import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startOwnCloudEmulator, type OwnCloudEmulator, type OwnCloudUser } from './owncloud.emulator.js';

// A client identifier and secret of 64 letters and digits, as the OAuth2 app generates them.
const CLIENT_ID = 'Xq7Lm2Vb9Rt4Zp1Nc8Wd3Ks6Fh0Gj5Ye2Ua7Io4Pl9Mn1Bv6Cx3Zs8Qw5Er0Ty2';
const CLIENT_SECRET = 'Hd4Jf7Kg1Ls9Az3Qx6Wc2Ev8Rb5Tn0Ym7Uk4Ip1Ol9Pj3Mh6Ng2Bf8Vd5Cs0Xa7';
const REDIRECT_URI = `${APP_ORIGIN}/auth/owncloud/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(id: string, displayName: string): OwnCloudUser {
  return { id, displayName, email: `${id}@example.com` };
}

/** Only the documented variables: the preset, the client, and the server's URL. */
function owncloudEnv(owncloud: OwnCloudEmulator): Record<string, string> {
  return presetEnv('owncloud', CLIENT_ID, CLIENT_SECRET, { OWNCLOUD_BASE_URL: owncloud.origin });
}

const subjectAt = (owncloud: OwnCloudEmulator, user: OwnCloudUser) => `${user.id}@${new URL(owncloud.origin).host}`;

let started: OwnCloudEmulator | undefined;
const OWNCLOUD: StandardProvider<OwnCloudUser, OwnCloudEmulator> = {
  preset: 'owncloud',
  displayName: 'ownCloud',
  startEmulator: async () => (started = await startOwnCloudEmulator({ ...CLIENT, redirectUri: REDIRECT_URI })),
  env: owncloudEnv,
  people: {
    cancelled: person('cancelled', 'Cancelled Person'),
    'refused-code': person('refused', 'Refused Code'),
    'wrong-secret': person('wrongsecret', 'Wrong Secret'),
    'exchange-failure': person('outage', 'Outage Person'),
  },
  subjectOf: (user) => subjectAt(started!, user),
};

/** A refresh at ownCloud itself, the client as Basic, as another copy of the token would make it. */
function refreshAtOwnCloud(owncloud: OwnCloudEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${owncloud.origin}/index.php/apps/oauth2/api/v1/token`, CLIENT, refreshToken, { by: 'basic' });
}

describeEachDialect('ownCloud, against an emulator of an ownCloud server', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), OWNCLOUD);

  const signIn = (user: OwnCloudUser) => signInAs(context, 'owncloud', user);
  const readme = (browser: TestBrowser, user: OwnCloudUser) => browser.get(`${APP_ORIGIN}/api/providers/owncloud/proxy/remote.php/dav/files/${user.id}/Readme.md`);

  it("signs in as the OCS user id qualified by the server's host, with the display name and the e-mail unverified; no scope, no PKCE, the client as Basic with the redirect_uri again, a 1-hour token and a refresh token", async () => {
    const { database, emulator: owncloud, app } = context;
    const ada = person('ada', 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(subjectAt(owncloud, ada));
    expect(JSON.parse(account.claims)).toMatchObject({ user_id: 'ada', name: 'Ada Lovelace' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'owncloud');
    expect(token!.refreshToken).toEqual(expect.any(String));
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = owncloud.server.requests.find((r) => r.path.startsWith('/index.php/apps/oauth2/api/v1/token'))!;
    expect(exchange.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    const profile = owncloud.server.requests.findLast((r) => r.path.startsWith('/ocs/v1.php/cloud/user'))!;
    expect(profile.headers).toMatchObject({ authorization: `Bearer ${token!.accessToken}`, 'ocs-apirequest': 'true' });
  });

  it('the token endpoint refuses the client in the form alone (invalid_request) and a code exchange without redirect_uri (invalid_request)', async () => {
    const { emulator: owncloud } = context;
    const url = `${owncloud.origin}/index.php/apps/oauth2/api/v1/token`;
    const inForm = fetch(url, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c', redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(await statusAndBody(inForm)).toEqual({ status: 400, body: { error: 'invalid_request' } });
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    const noRedirect = fetch(url, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c' }) });
    expect(await statusAndBody(noRedirect)).toEqual({ status: 400, body: { error: 'invalid_request' } });
  });

  it('the proxy reaches WebDAV on the server with the token as Bearer; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and ownCloud takes neither old token again', async () => {
    const { emulator: owncloud } = context;
    const grace = person('grace', 'Grace Hopper');
    const { browser, userId } = await signIn(grace);
    const file = await readme(browser, grace);
    expect(file.status).toBe(200);
    expect(file.text).toBe('# Welcome to ownCloud, Grace Hopper\n');
    const { before, after } = await expectRotatedAfterStorm(context, 'owncloud', userId, () => readme(browser, grace));
    expectAccessTokenLifetime(after, 3500, 3600);
    expect(owncloud.server.requests.findLast((r) => r.path.startsWith('/index.php/apps/oauth2/api/v1/token'))!.headers.authorization).toMatch(/^Basic /);
    expect(owncloud.accepts(before.accessToken)).toBe(false);
    expect(await statusAndBody(refreshAtOwnCloud(owncloud, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'refresh token does not exist' } });
  });

  it("the client revoked in ownCloud marks the connection 'needs re-auth' after one refresh ownCloud refuses", async () => {
    const { emulator: owncloud } = context;
    const leaving = person('edsger', 'Edsger Dijkstra');
    const { browser, userId } = await signIn(leaving);
    owncloud.revokeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'owncloud', userId, () => readme(browser, leaving));
  });

  it('disconnect asks ownCloud nothing (it documents no revocation) and forgets the tokens, which ownCloud still takes', async () => {
    const { emulator: owncloud, app } = context;
    const { browser, userId } = await signIn(person('barbara', 'Barbara Liskov'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'owncloud'))!;
    await expectDisconnectAsksNothing(context, 'owncloud', { browser, userId });
    expect(owncloud.accepts(stored.accessToken)).toBe(true);
  });

  it('/ocs/v1.php/cloud/user failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, OWNCLOUD, person('profileoutage', 'Outage Profile'), (owncloud) => owncloud.failNextProfile(500));
  });

  standardCases(() => context, OWNCLOUD, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(OWNCLOUD, { wrongSecret: { sentAs: '400 invalid_client' }, exchangeFailure: {} });

describe('the owncloud preset in production', () => {
  const { settings, refusal } = presetInProduction('owncloud', CLIENT);

  it("takes the server's URL, with its sub-path, and needs it", () => {
    expect(settings({ OWNCLOUD_BASE_URL: 'https://cloud.example.com/owncloud/' })).toMatchObject({
      displayName: 'ownCloud',
      endpoints: {
        authorizationEndpoint: 'https://cloud.example.com/owncloud/index.php/apps/oauth2/authorize',
        tokenEndpoint: 'https://cloud.example.com/owncloud/index.php/apps/oauth2/api/v1/token',
        userinfoEndpoint: 'https://cloud.example.com/owncloud/ocs/v1.php/cloud/user?format=json',
      },
      scope: '',
      apiBaseUrl: 'https://cloud.example.com/owncloud',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(refusal({})).toContain('OWNCLOUD_BASE_URL');
  });
});
