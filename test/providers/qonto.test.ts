import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { QONTO_ACCESS_TOKEN_SECONDS, startQontoEmulator, type QontoEmulator, type QontoMember } from './qonto.emulator.js';

// A client id and secret of the kind Qonto issues a registered OAuth application.
const CLIENT_ID = '01968119-8efd-7422-8a8a-75c9b45a6a69';
const CLIENT_SECRET = 'qs_7Hk2mP9vX4tR1wQ8sL5nB3cD6fG0jYzA';
const CLIENT = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const REDIRECT_URI = `${APP_ORIGIN}/auth/qonto/callback`;

function member(id: number, firstName: string, lastName: string): QontoMember {
  return { id: `c9f9f051-7558-451c-b310-f4b85214${String(id).padStart(4, '0')}`, firstName, lastName, email: `${firstName.toLowerCase()}@acme.test` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the membership moves with the API base). */
function qontoEnv(qonto: QontoEmulator): Record<string, string> {
  return presetEnv('qonto', CLIENT_ID, CLIENT_SECRET, {
    QONTO_AUTHORIZE_URL: `${qonto.origin}/oauth2/auth`,
    QONTO_ACCESS_TOKEN_URL: `${qonto.origin}/oauth2/token`,
    QONTO_API_BASE_URL: `${qonto.origin}/v2`,
  });
}

const QONTO: StandardProvider<QontoMember, QontoEmulator> = {
  preset: 'qonto',
  displayName: 'Qonto',
  startEmulator: () => startQontoEmulator({ ...CLIENT, redirectUri: REDIRECT_URI }),
  env: qontoEnv,
  people: standardPeopleByNameParts(member),
  subjectOf: (someone) => someone.id,
};

const organization = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/qonto/proxy/organization`);

describeEachDialect('Qonto, against an emulator of Qonto', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), QONTO);
  const signIn = (someone: QontoMember) => signInAs(context, 'qonto', someone);
  const tokenUrl = () => `${context.emulator.origin}/oauth2/token`;

  it('signs in as the id of /v2/membership with the names, role and an unverified e-mail; offline_access membership.read organization.read asked, no PKCE, the client in the form, an hour’s token with a refresh token', async () => {
    const { database, emulator: qonto, app } = context;
    const ada = member(101, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('offline_access membership.read organization.read');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('client_id')).toBe(CLIENT_ID);
    expect(request.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toEqual({ id: ada.id, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@acme.test', locale: 'fr', role: 'owner' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@acme.test', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'qonto');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'offline_access membership.read organization.read' });
    expectAccessTokenLifetime(token, QONTO_ACCESS_TOKEN_SECONDS - 100, QONTO_ACCESS_TOKEN_SECONDS);
    const exchange = qonto.server.requests.findLast((r) => r.path === '/oauth2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = qonto.tokenForms.at(-1)!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(qonto.server.requests.findLast((r) => r.path === '/v2/membership')!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again finds the same person by the membership id, whatever their e-mail became', async () => {
    const first = await signIn(member(105, 'Grace', 'Hopper'));
    const second = await signIn({ ...member(105, 'Grace', 'Hopper'), email: 'admiral@navy.test' });
    expect(second.userId).toBe(first.userId);
  });

  it('the proxy calls the Business API; 20 concurrent calls on an expired token make one refresh, with the client in the form, whose new refresh token is kept, and the spent one is refused', async () => {
    const { emulator: qonto } = context;
    const { browser, userId } = await signIn(member(102, 'Alan', 'Turing'));
    const first = await organization(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ organization: { name: 'Acme SAS', bank_accounts: [{ currency: 'EUR' }] } });
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'qonto', userId, () => organization(browser));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expectAccessTokenLifetime(after, QONTO_ACCESS_TOKEN_SECONDS - 100, QONTO_ACCESS_TOKEN_SECONDS);
    const refresh = qonto.tokenForms.at(-1)!;
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe(CLIENT_ID);
    expect(refresh.get('client_secret')).toBe(CLIENT_SECRET);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(), CLIENT, before.refreshToken!, { by: 'form' }))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('without offline_access Qonto issues no refresh token, a scope it does not know is refused, and a token without the scope an endpoint needs is a 403', async () => {
    const { emulator: qonto } = context;
    const authorize = (scope: string) => fetch(`${qonto.origin}/oauth2/auth?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope, state: 's' })}`, { redirect: 'manual' });
    expect(new URL((await authorize('everything')).headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    qonto.signInAs(member(106, 'No', 'Offline'));
    const code = new URL((await authorize('membership.read')).headers.get('location')!).searchParams.get('code')!;
    const answer = await fetch(`${qonto.origin}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    const tokens = (await answer.json()) as { access_token: string; refresh_token?: string };
    expect(tokens.refresh_token).toBeUndefined();
    const forbidden = await fetch(`${qonto.origin}/v2/organization`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(forbidden.status).toBe(403);
    const unknown = await fetch(`${qonto.origin}/v2/membership`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(unknown.status).toBe(401);
  });

  it("the consent revoked in Qonto: the refused refresh marks the connection needs re-auth after one try", async () => {
    const { emulator: qonto } = context;
    const leaving = member(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    qonto.revokeConsent(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'qonto', userId, () => organization(browser));
  });

  it('disconnect asks Qonto nothing (its consent revocation is not RFC 7009) and forgets the tokens, which Qonto still takes', async () => {
    const { emulator: qonto, app } = context;
    const { browser, userId } = await signIn(member(104, 'Goodbye', 'Person'));
    const stored = (await app.runtime.tokenStore.findToken(userId, 'qonto'))!;
    await expectDisconnectAsksNothing(context, 'qonto', { browser, userId });
    expect(qonto.accepts(stored.accessToken)).toBe(true);
  });

  it('/v2/membership failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, QONTO, member(110, 'Outage', 'Profile'), (qonto) => qonto.failNextProfile(500));
  });

  standardCases(() => context, QONTO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(QONTO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describe('the qonto preset in production', () => {
  it('with the client alone, signs in at oauth.qonto.com and reads the membership and calls the Business API at thirdparty.qonto.com/v2, with the client in the form', () => {
    const { settings } = presetInProduction('qonto', CLIENT);
    expect(settings({})).toMatchObject({
      displayName: 'Qonto',
      endpoints: {
        authorizationEndpoint: 'https://oauth.qonto.com/oauth2/auth',
        tokenEndpoint: 'https://oauth.qonto.com/oauth2/token',
        userinfoEndpoint: 'https://thirdparty.qonto.com/v2/membership',
      },
      scope: 'offline_access membership.read organization.read',
      apiBaseUrl: 'https://thirdparty.qonto.com/v2',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
  });
});
