import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startDropboxSignEmulator, type DropboxSignEmulator, type DropboxSignUser } from './dropbox_sign.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind Dropbox Sign gives an API app.
const CLIENT_ID = 'cc91c61d00f8bb2ece1428035716b7a2';
const CLIENT_SECRET = '1d14434088507ffa390e6f5528465c9e1f2a3b4c';
const REDIRECT_URI = `${APP_ORIGIN}/auth/dropbox_sign/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(n: number, name: string): DropboxSignUser {
  return { accountId: createHash('sha1').update(`account ${n}`).digest('hex'), emailAddress: `${name.replace(' ', '.')}@example.com`.toLowerCase() };
}

/** Only the documented variables: the preset, the client, Dropbox Sign's OAuth endpoints (the refresh URL among them) and API v3 pointed at the emulator (the profile moves with the API base). */
function dropboxSignEnv(dropboxSign: DropboxSignEmulator): Record<string, string> {
  return presetEnv('dropbox_sign', CLIENT_ID, CLIENT_SECRET, {
    DROPBOX_SIGN_AUTHORIZE_URL: `${dropboxSign.origin}/oauth/authorize`,
    DROPBOX_SIGN_ACCESS_TOKEN_URL: `${dropboxSign.origin}/oauth/token`,
    DROPBOX_SIGN_REFRESH_URL: `${dropboxSign.origin}/oauth/token?refresh`,
    DROPBOX_SIGN_API_BASE_URL: `${dropboxSign.origin}/v3`,
  });
}

const DROPBOX_SIGN: StandardProvider<DropboxSignUser, DropboxSignEmulator> = {
  preset: 'dropbox_sign',
  displayName: 'Dropbox Sign',
  startEmulator: () => startDropboxSignEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: dropboxSignEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.accountId,
};

const signatureRequests = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/dropbox_sign/proxy/signature_request/list`);

describeEachDialect('Dropbox Sign, against an emulator of Dropbox Sign', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), DROPBOX_SIGN);

  const signIn = (user: DropboxSignUser) => signInAs(context, 'dropbox_sign', user);

  it('signs in as the account_id of /v3/account with an unverified e-mail; no scope, no PKCE, the code exchanged in a JSON body with the client and the authorization’s state, an hour-long token with a refresh token', async () => {
    const { database, emulator: dropboxSign, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.accountId);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.accountId, email: 'ada.lovelace@example.com' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('ada.lovelace@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'dropbox_sign');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = dropboxSign.tokenRequests[0]!;
    expect(exchange.search).toBe('');
    expect(exchange.contentType).toContain('application/json');
    expect(Object.fromEntries(exchange.parameters)).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: REDIRECT_URI, state: request.get('state'), client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
  });

  it('the proxy calls API v3; 20 concurrent calls on an expired token make one refresh at /oauth/token?refresh with the client, which answers the same refresh token, kept', async () => {
    const { emulator: dropboxSign } = context;
    const { browser, userId } = await signIn(person(102, 'Grace Hopper'));
    const first = await signatureRequests(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ signature_requests: [{ title: 'NDA with Acme Co.' }] });
    const { after } = await expectKeptAfterStorm(context, 'dropbox_sign', userId, () => signatureRequests(browser));
    expectAccessTokenLifetime(after, 3500, 3600);
    const refresh = dropboxSign.tokenRequests.at(-1)!;
    expect(refresh.search).toBe('?refresh');
    expect(refresh.contentType).toContain('application/json');
    expect(Object.fromEntries(refresh.parameters)).toEqual({ grant_type: 'refresh_token', refresh_token: after.refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
  });

  it("the app removed in Dropbox Sign marks the connection 'needs re-auth' after one refresh Dropbox Sign refuses (its 400 ErrorResponse)", async () => {
    const { emulator: dropboxSign } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    dropboxSign.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'dropbox_sign', userId, () => signatureRequests(browser));
  });

  it('disconnect asks Dropbox Sign nothing (it documents no revocation) and forgets the tokens, which Dropbox Sign still takes', async () => {
    const { emulator: dropboxSign, app } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'dropbox_sign'))!;
    await expectDisconnectAsksNothing(context, 'dropbox_sign', { browser, userId });
    expect(dropboxSign.accepts(stored.accessToken)).toBe(true);
  });

  it('/v3/account failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, DROPBOX_SIGN, person(110, 'Outage Profile'), (dropboxSign) => dropboxSign.failNextProfile(500));
  });

  standardCases(() => context, DROPBOX_SIGN, { cancelled: {}, refusedCode: { sentAs: '400 bad_request' } });
});

describeClientFailures(DROPBOX_SIGN, { wrongSecret: { sentAs: '401 unauthorized' }, exchangeFailure: {} });

describe('Dropbox Sign in production', () => {
  it('with the client alone, signs in and refreshes at app.hellosign.com, reads /v3/account and calls the API v3', () => {
    const { settings } = presetInProduction('dropbox_sign', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Dropbox Sign',
      endpoints: {
        authorizationEndpoint: 'https://app.hellosign.com/oauth/authorize',
        tokenEndpoint: 'https://app.hellosign.com/oauth/token',
        refreshEndpoint: 'https://app.hellosign.com/oauth/token?refresh',
        userinfoEndpoint: 'https://api.hellosign.com/v3/account',
      },
      scope: '',
      apiBaseUrl: 'https://api.hellosign.com/v3',
      tokenEndpointAuthMethod: 'client_secret_post',
      stateAtCodeExchange: true,
      subjectClaim: 'id',
    });
  });
});
