import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectRotatedAfterStorm } from './kit/refreshed-tokens.js';
import { countRows, describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startXeroEmulator, type XeroEmulator, type XeroUser } from './xero.emulator.js';

const CLIENT_ID = 'A1B2C3D4E5F60718293A4B5C6D7E8F90';
const CLIENT_SECRET = 'xero-test-secret_0123456789-abcdefghijklmnop';
const REDIRECT_URI = `${APP_ORIGIN}/auth/xero/callback`;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;


let people = 0;
/** A Xero user with two organisations of their own. */
function person(givenName: string, familyName: string): XeroUser {
  people += 1;
  const id = `${people.toString(16).padStart(8, '0')}-7b2e-4c1d-9f3a-5e6d7c8b9a01`;
  return {
    id,
    givenName,
    familyName,
    email: `${givenName.toLowerCase()}@xero.test`,
    organisations: [
      { tenantId: `${people.toString(16).padStart(8, '0')}-0000-4000-8000-00000000000a`, name: `${givenName} Trading Ltd` },
      { tenantId: `${people.toString(16).padStart(8, '0')}-0000-4000-8000-00000000000b`, name: `${givenName} Holdings Ltd` },
    ],
  };
}

/** Only the documented variables: the preset, the client, the issuer and the API pointed at the emulator. */
function xeroEnv(xero: XeroEmulator): Record<string, string> {
  return presetEnv('xero', CLIENT_ID, CLIENT_SECRET, {
    XERO_ISSUER: xero.issuer,
    XERO_API_BASE_URL: xero.origin,
  });
}

const XERO: StandardProvider<XeroUser, XeroEmulator> = {
  preset: 'xero',
  displayName: 'Xero',
  startEmulator: () => startXeroEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: xeroEnv,
  people: {
    cancelled: person('Changed', 'Mind'),
    'refused-code': person('Refused', 'Code'),
    'wrong-secret': person('Wrong', 'Secret'),
    'exchange-failure': person('Outage', 'Person'),
  },
  subjectOf: (user) => user.id,
};

describeEachDialect('Xero, against an emulator of Xero', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), XERO);

  const signIn = (user: XeroUser) => signInAs(context, 'xero', user);

  it('signs in as the Xero user (the ID token’s sub), keeps the tenants /connections lists with the profile; PKCE, Basic, 30-minute tokens', async () => {
    const { database, emulator: xero, app } = context;
    const ada = person('Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid profile email offline_access accounting.settings.read accounting.invoices.read');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('prompt')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    const claims = JSON.parse(account.claims) as { xero_userid: string; xero_tenants: Array<{ id: string; tenantId: string; tenantName: string; tenantType: string }> };
    expect(claims.xero_userid).toBe(ada.id);
    expect(claims.xero_tenants).toEqual([
      { id: expect.any(String), tenantId: ada.organisations[0]!.tenantId, tenantName: 'Ada Trading Ltd', tenantType: 'ORGANISATION' },
      { id: expect.any(String), tenantId: ada.organisations[1]!.tenantId, tenantName: 'Ada Holdings Ltd', tenantType: 'ORGANISATION' },
    ]);
    const user = await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: 'ada@xero.test' });
    const token = await app.runtime.tokenStore.findToken(userId, 'xero');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    expectAccessTokenLifetime(token, 1700, 1800);
    expect(xero.server.requests.find((r) => r.path === '/connect/token')!.headers.authorization).toBe(basic);
  });

  it('the proxy passes xero-tenant-id on: the tenant’s organisation answers; without the header Xero’s 403 comes back', async () => {
    const { emulator: xero } = context;
    const grace = person('Grace', 'Hopper');
    const { browser } = await signIn(grace);
    const tenantId = grace.organisations[1]!.tenantId;
    const call = await browser.request(`${APP_ORIGIN}/api/providers/xero/proxy/api.xro/2.0/Organisation`, { headers: { 'xero-tenant-id': tenantId } });
    expect(call.status).toBe(200);
    expect(JSON.parse(call.text)).toMatchObject({ Organisations: [{ OrganisationID: tenantId, Name: 'Grace Holdings Ltd' }] });
    expect(xero.server.requests.filter((r) => r.path === '/api.xro/2.0/Organisation').at(-1)!.headers['xero-tenant-id']).toBe(tenantId);
    const without = await browser.get(`${APP_ORIGIN}/api/providers/xero/proxy/api.xro/2.0/Organisation`);
    expect(without.status).toBe(403);
  });

  it('DELETE /connections/{id} through the proxy disconnects one tenant, and the grant keeps the other', async () => {
    const { emulator: xero, app } = context;
    const alan = person('Alan', 'Turing');
    const { browser, userId } = await signIn(alan);
    const listed = JSON.parse((await browser.get(`${APP_ORIGIN}/api/providers/xero/proxy/connections`)).text) as Array<{ id: string; tenantId: string }>;
    expect(listed.map((connection) => connection.tenantId)).toEqual(alan.organisations.map((organisation) => organisation.tenantId));
    const removed = await browser.request(`${APP_ORIGIN}/api/providers/xero/proxy/connections/${listed[0]!.id}`, { method: 'DELETE', headers: { 'x-csrf-token': await csrfTokenOf(browser) } });
    expect(removed.status).toBe(204);
    expect(xero.connectedTenants(alan.id)).toEqual([alan.organisations[1]!.tenantId]);
    expect((await app.runtime.tokenStore.findToken(userId, 'xero'))!.status).not.toBe('needs_reauth');
  });

  it('20 concurrent calls on an expired token make one refresh; the rotated refresh token is kept, and the one used still works for Xero’s grace period', async () => {
    const { emulator: xero } = context;
    const storm = person('Storm', 'Rotating');
    const { browser, userId } = await signIn(storm);
    const { before } = await expectRotatedAfterStorm(context, 'xero', userId, () => browser.get(`${APP_ORIGIN}/api/providers/xero/proxy/connections`));
    // The answer lost: within 30 minutes Xero takes the refresh token used once more.
    const retry = await fetch(`${xero.origin}/connect/token`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: before.refreshToken! }) });
    expect(retry.status).toBe(200);
  });

  it('a grant revoked at Xero (400 invalid_grant on refresh) marks the connection needs re-auth, with one attempt', async () => {
    const { database, emulator: xero, app } = context;
    const { browser, userId } = await signIn(person('Revoked', 'Elsewhere'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'xero');
    const elsewhere = await fetch(`${xero.origin}/connect/revocation`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ token: stored!.refreshToken! }) });
    expect(elsewhere.status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: xero }, 'xero', userId, () => browser.get(`${APP_ORIGIN}/api/providers/xero/proxy/connections`));
  });

  standardCases(() => context, XERO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });

  it('disconnect revokes the refresh token at /connect/revocation (RFC 7009, Basic): the grant ends and every tenant is disconnected', async () => {
    const { emulator: xero } = context;
    const leaving = person('Leaving', 'Person');
    const { browser, userId } = await signIn(leaving);
    const stored = await expectDisconnectRevokes(context, 'xero', { browser, userId });
    const revocation = xero.server.requests.filter((r) => r.path === '/connect/revocation').at(-1)!;
    expect(revocation.headers.authorization).toBe(basic);
    expect(xero.accepts(stored.accessToken)).toBe(false);
    expect(xero.connectedTenants(leaving.id)).toEqual([]);
  });
});

describeKeepAlive(XERO, {
  title: 'Xero refresh tokens (60 days unused) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its 60, and the connection lives on past them',
  startEmulator: (now) => startXeroEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person('Idle', 'Person'),
  dueAfterDays: 53,
  // Ten days on, the refresh token signed in with is long rotated out (past its 30-minute grace); the one the sweep got works.
  usedAgainAfterDays: 10,
  firstRefreshTokenRefused: async (xero, refreshToken) => {
    const refusedFirst = await fetch(`${xero.origin}/connect/token`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }) });
    expect(refusedFirst.status).toBe(400);
  },
});

describeClientFailures(
  XERO,
  { wrongSecret: { sentAs: 'invalid_client' }, exchangeFailure: {} },
  {
    more: (context) => {
      it('a /connections answer that is not a list of connections fails the sign-in clearly, and nothing is stored', async () => {
        context.emulator.signInAs(person('Odd', 'Answer'));
        context.emulator.answerNextConnectionsWith({ tenants: [] });
        const page = await signInThrough(context.app.browser(), 'xero');
        expect(page.status).toBe(502);
        expect(page.text).toContain('Xero did not answer GET /connections with a list of connections.');
        expect(await countRows(context.database, 'users')).toBe(0);
      });
    },
  },
);
