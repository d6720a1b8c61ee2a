import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { CLOSE_ORGANIZATION, startCloseEmulator, type CloseEmulator, type CloseUser } from './close.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id (oa2client_…) and secret of the form Close's OAuth Apps settings show.
const CLIENT_ID = 'oa2client_6gHc1XNR9mV0kD3pQ2wL7sYtB4aJ8fEz';
const CLIENT_SECRET = 'cs_5Tq9vWm2xKd7Lr4Np8Zb3Hy6Fj1Gs0Ae';
const REDIRECT_URI = `${APP_ORIGIN}/auth/close/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function person(n: number, firstName: string, lastName: string): CloseUser {
  return { id: `user_${n}N6KhMpzHRCYQHdn4gRNIFNN5JExnsrprKA6ekxM63XA`, firstName, lastName, email: `${firstName.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user moves with the API base). */
function closeEnv(close: CloseEmulator): Record<string, string> {
  return presetEnv('close', CLIENT_ID, CLIENT_SECRET, {
    CLOSE_AUTHORIZE_URL: `${close.origin}/oauth2/authorize/`,
    CLOSE_ACCESS_TOKEN_URL: `${close.origin}/oauth2/token/`,
    CLOSE_REVOCATION_URL: `${close.origin}/oauth2/revoke/`,
    CLOSE_API_BASE_URL: close.origin,
  });
}

const CLOSE: StandardProvider<CloseUser, CloseEmulator> = {
  preset: 'close',
  displayName: 'Close',
  startEmulator: () => startCloseEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: closeEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

const leads = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/close/proxy/api/v1/lead/`);

describeEachDialect('Close, against an emulator of Close', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), CLOSE);

  const signIn = (user: CloseUser) => signInAs(context, 'close', user);

  it("signs in as the id (user_…) of /api/v1/me/ with the names, the e-mail (verification unknown) and the organizations; no scope asked (the app's are granted), no PKCE, the client in the form, an hour-long token with a refresh token and the app's scopes", async () => {
    const { database, emulator: close, app } = context;
    const ada = person(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, given_name: 'Ada', family_name: 'Lovelace', organizations: [CLOSE_ORGANIZATION] });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'close');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'all.full_access offline_access' });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = close.server.requests.find((r) => r.path === '/oauth2/token/')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('the proxy calls the Close API; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept, and Close refuses the spent one', async () => {
    const { emulator: close } = context;
    const { browser, userId } = await signIn(person(102, 'Alan', 'Turing'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'close', userId, () => leads(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ id: 'lead_zwqYhEFwzPyfCErS8uQ77is2wFLvr9BgVi6cTfbFM68', display_name: 'KLine' }], has_more: false });
    expect(after.scope).toBe('all.full_access offline_access');
    expectAccessTokenLifetime(after, 3500, 3600);
    expect(await statusAndBody(refreshAtProvider(`${close.origin}/oauth2/token/`, CLIENT, before.refreshToken!, { by: 'form' }))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the integration disabled in Close marks the connection 'needs re-auth' after one refresh Close refuses", async () => {
    const { emulator: close } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    close.disableIntegration(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'close', userId, () => leads(browser));
  });

  it('disconnect revokes the refresh token at /oauth2/revoke/ with the client in the form, and the access and refresh tokens end', async () => {
    const { emulator: close } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'close', { browser, userId }, { requests: 1 });
    expect(close.revocations.at(-1)).toEqual({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: stored.refreshToken });
    expect(close.accepts(stored.accessToken)).toBe(false);
    expect((await refreshAtProvider(`${close.origin}/oauth2/token/`, CLIENT, stored.refreshToken!, { by: 'form' })).status).toBe(400);
  });

  it('the user failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, CLOSE, person(110, 'Outage', 'Profile'), (close) => close.failNextProfile(500));
  });

  standardCases(() => context, CLOSE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(CLOSE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Close in production', () => {
  it("with the client alone, signs in at Close's own endpoints, revokes at api.close.com/oauth2/revoke/ and calls api.close.com with no scope and the client in the form", () => {
    const { settings } = presetInProduction('close', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Close',
      endpoints: {
        authorizationEndpoint: 'https://app.close.com/oauth2/authorize/',
        tokenEndpoint: 'https://api.close.com/oauth2/token/',
        userinfoEndpoint: 'https://api.close.com/api/v1/me/',
        revocationEndpoint: 'https://api.close.com/oauth2/revoke/',
      },
      scope: '',
      apiBaseUrl: 'https://api.close.com',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
