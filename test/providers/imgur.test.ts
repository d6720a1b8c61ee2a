import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { IMGUR_ACCESS_TOKEN_TTL, startImgurEmulator, type ImgurEmulator, type ImgurUser } from './imgur.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectKeptAfterStorm } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the form Imgur's application registration shows.
const CLIENT_ID = '43652b743b5a7a0';
const CLIENT_SECRET = '9c1f2e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e';
const REDIRECT_URI = `${APP_ORIGIN}/auth/imgur/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

const person = (id: number, username: string): ImgurUser => ({ id, username });

/** Only the documented variables: the preset, the client, and the authorization and token endpoints pointed at the emulator (the account moves with the API base). */
function imgurEnv(imgur: ImgurEmulator): Record<string, string> {
  return presetEnv('imgur', CLIENT_ID, CLIENT_SECRET, {
    IMGUR_AUTHORIZE_URL: `${imgur.origin}/oauth2/authorize`,
    IMGUR_ACCESS_TOKEN_URL: `${imgur.origin}/oauth2/token`,
    IMGUR_API_BASE_URL: imgur.origin,
  });
}

const IMGUR: StandardProvider<ImgurUser, ImgurEmulator> = {
  preset: 'imgur',
  displayName: 'Imgur',
  startEmulator: () => startImgurEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: imgurEnv,
  people: {
    cancelled: person(384108, 'changedMind'),
    'refused-code': person(384109, 'refusedCode'),
    'wrong-secret': person(384301, 'wrongSecret'),
    'exchange-failure': person(384302, 'outagePerson'),
  },
  subjectOf: (user) => String(user.id),
};

const images = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/imgur/proxy/3/account/me/images`);

describeEachDialect('Imgur, against an emulator of Imgur', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), IMGUR);

  const signIn = (user: ImgurUser) => signInAs(context, 'imgur', user);

  it('signs in as the account id of /3/account/me (not the username), named by the username, with no e-mail; no scope, no PKCE, the client in the form, a month-long token answered with scope null, and a refresh token', async () => {
    const { database, emulator: imgur, app } = context;
    const josh = person(384077, 'joshTest');
    const { userId, request } = await signIn(josh);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('384077');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '384077', name: 'joshTest', preferred_username: 'joshTest' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: null, name: 'joshTest' });
    const token = await app.runtime.tokenStore.findToken(userId, 'imgur');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, IMGUR_ACCESS_TOKEN_TTL - 100, IMGUR_ACCESS_TOKEN_TTL);
    const exchange = imgur.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('the same account id under another username is the same person: the subject is the id', async () => {
    const { database } = context;
    const first = await signIn(person(384078, 'oldName'));
    const second = await signIn(person(384078, 'newName'));
    expect(second.userId).toBe(first.userId);
    const accounts = await database.db.selectFrom('accounts').select(['subject']).where('user_id', '=', first.userId).execute();
    expect(accounts).toEqual([{ subject: '384078' }]);
  });

  it('the proxy calls the Imgur API; 20 concurrent calls on an expired token make one refresh, and the refresh token (which does not expire) is kept with a new access token', async () => {
    const josh = person(384079, 'alanTuring');
    const { browser, userId } = await signIn(josh);
    const { after, answers } = await expectKeptAfterStorm(context, 'imgur', userId, () => images(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ id: 'SbBGk', account_id: josh.id }], success: true, status: 200 });
    expectAccessTokenLifetime(after, IMGUR_ACCESS_TOKEN_TTL - 100, IMGUR_ACCESS_TOKEN_TTL);
  });

  it("the application removed in the user's Imgur settings marks the connection 'needs re-auth' after one refresh Imgur refuses", async () => {
    const { emulator: imgur } = context;
    const leaving = person(384103, 'leavingSoon');
    const { browser, userId } = await signIn(leaving);
    imgur.removeApplication(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'imgur', userId, () => images(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Imgur, which documents no endpoint for it: no request is sent', async () => {
    const { emulator: imgur } = context;
    const { browser, userId } = await signIn(person(384104, 'goodbye'));
    const stored = await context.app.runtime.tokenStore.findToken(userId, 'imgur');
    await expectDisconnectAsksNothing(context, 'imgur', { browser, userId });
    expect(imgur.accepts(stored!.accessToken)).toBe(true);
  });

  it('the account failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, IMGUR, person(384110, 'outageProfile'), (imgur) => imgur.failNextProfile(500));
  });

  standardCases(() => context, IMGUR, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(IMGUR, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Imgur in production', () => {
  it("with the client alone, signs in at api.imgur.com's endpoints, reads /3/account/me and calls api.imgur.com with no scope, the client in the form and no revocation", () => {
    const { settings } = presetInProduction('imgur', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Imgur',
      endpoints: {
        authorizationEndpoint: 'https://api.imgur.com/oauth2/authorize',
        tokenEndpoint: 'https://api.imgur.com/oauth2/token',
        userinfoEndpoint: 'https://api.imgur.com/3/account/me',
      },
      scope: '',
      apiBaseUrl: 'https://api.imgur.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
    expect(settings({}).endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings({}).hooks?.revoke).toBeUndefined();
  });
});
