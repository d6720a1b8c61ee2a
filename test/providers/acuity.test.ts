import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startAcuityEmulator, type AcuityAccount, type AcuityEmulator } from './acuity.emulator.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// A client id and secret of the kind Acuity's OAuth2 registration hands out.
const CLIENT_ID = 'rGJbQ2dXk7TfW9zL';
const CLIENT_SECRET = 'p4Vn8sYc2Hm6Kq1Rt9Lw3Zx7Bd5Fg0Ja';
const REDIRECT_URI = `${APP_ORIGIN}/auth/acuity/callback`;
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };

function account(id: number, name: string): AcuityAccount {
  return { id: 11145000 + id, name, email: `${name.split(' ')[0]!.toLowerCase()}@studio.test` };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base pointed at the emulator (/me moves with the API base). */
function acuityEnv(acuity: AcuityEmulator): Record<string, string> {
  return presetEnv('acuity', CLIENT_ID, CLIENT_SECRET, {
    ACUITY_AUTHORIZE_URL: `${acuity.origin}/oauth2/authorize`,
    ACUITY_ACCESS_TOKEN_URL: `${acuity.origin}/oauth2/token`,
    ACUITY_API_BASE_URL: `${acuity.origin}/api/v1`,
  });
}

const ACUITY: StandardProvider<AcuityAccount, AcuityEmulator> = {
  preset: 'acuity',
  displayName: 'Acuity Scheduling',
  startEmulator: () => startAcuityEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: acuityEnv,
  people: standardPeople(account),
  subjectOf: (someone) => String(someone.id),
};

const appointments = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/acuity/proxy/appointments?max=10`);

describeEachDialect('Acuity Scheduling, against an emulator of its OAuth2 and API v1', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ACUITY);

  const signIn = (someone: AcuityAccount) => signInAs(context, 'acuity', someone);

  it('signs in as the numeric id of /api/v1/me, named by the account, with an unverified e-mail; api-v1 asked with state and no PKCE, the client in the form with the redirect_uri again, a token with no end and no refresh token', async () => {
    const { database, emulator: acuity, app } = context;
    const studio = account(101, 'Bright Studio');
    const { userId, request } = await signIn(studio);
    expect(request.get('scope')).toBe('api-v1');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('state')).toMatch(/\S/);
    expect(request.has('code_challenge')).toBe(false);
    const row = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(row.subject).toBe(String(studio.id));
    expect(JSON.parse(row.claims)).toEqual({ id: String(studio.id), name: 'Bright Studio', email: 'bright@studio.test', zoneinfo: 'America/New_York' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'bright@studio.test', name: 'Bright Studio' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'acuity');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null });
    const exchange = acuity.server.requests.find((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = acuity.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(acuity.server.requests.filter((r) => r.path === '/api/v1/me').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls API v1 with the token as Bearer; 20 concurrent calls ask Acuity for no token, as there is nothing to refresh', async () => {
    const { emulator: acuity } = context;
    const { browser } = await signIn(account(102, 'Calm Clinic'));
    const answers = await expectNoTokenRequestFor20Calls(acuity, () => appointments(browser));
    expect(JSON.parse(answers[0]!.text)).toEqual([expect.objectContaining({ id: 54321, firstName: 'Bob' })]);
    expect(acuity.server.counts.appointments).toBeGreaterThanOrEqual(20);
  });

  it("the application disconnected in Acuity (the API's 401) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: acuity } = context;
    const leaving = account(103, 'Leaving Salon');
    const { browser, userId } = await signIn(leaving);
    acuity.disconnectApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'acuity', userId, () => appointments(browser));
  });

  it('disconnect asks Acuity nothing (it documents no revocation) and forgets the token, which Acuity still takes', async () => {
    const { emulator: acuity, app } = context;
    const { browser, userId } = await signIn(account(104, 'Goodbye Gym'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'acuity'))!;
    await expectDisconnectAsksNothing(context, 'acuity', { browser, userId });
    expect(acuity.accepts(stored.accessToken)).toBe(true);
  });

  it('/api/v1/me failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, ACUITY, account(110, 'Outage Spa'), (acuity) => acuity.failNextProfile(500));
  });

  standardCases(() => context, ACUITY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(ACUITY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('Acuity Scheduling in production', () => {
  it('with the client alone, signs in at acuityscheduling.com/oauth2, reads /api/v1/me and calls API v1, asking api-v1 with the client in the form', () => {
    const { settings } = presetInProduction('acuity', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Acuity Scheduling',
      endpoints: {
        authorizationEndpoint: 'https://acuityscheduling.com/oauth2/authorize',
        tokenEndpoint: 'https://acuityscheduling.com/oauth2/token',
        userinfoEndpoint: 'https://acuityscheduling.com/api/v1/me',
      },
      scope: 'api-v1',
      apiBaseUrl: 'https://acuityscheduling.com/api/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
