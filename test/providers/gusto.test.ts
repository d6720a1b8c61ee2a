import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startGustoEmulator, type GustoAdmin, type GustoEmulator } from './gusto.emulator.js';

// A client id and secret of the form Gusto's examples show (43 URL-safe base64 characters).
const CLIENT_ID = 'qr6L_9FRkbMVL_GdwvrMW6Ef8tcU6NUxjWpOfqXqOG8';
const CLIENT_SECRET = '3aQSHRB3596nZhm6NdNBELZ1u9xbZmvCrKpBhbZYq6w';
const REDIRECT_URI = `${APP_ORIGIN}/auth/gusto/callback`;

function admin(n: number, companyName: string): GustoAdmin {
  const hex = n.toString(16).padStart(12, '0');
  return { uuid: `a1d2e3f4-0000-4000-8000-${hex}`, company: { uuid: `c0ffee00-0000-4000-8000-${hex}`, name: companyName } };
}

/** Only the documented variables: the preset, the client, and the endpoints and API base of production pointed at the emulator (token_info moves with the API base). */
function gustoEnv(gusto: GustoEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('gusto', CLIENT_ID, CLIENT_SECRET, {
    GUSTO_AUTHORIZE_URL: `${gusto.origin}/oauth/authorize`,
    GUSTO_ACCESS_TOKEN_URL: `${gusto.origin}/oauth/token`,
    GUSTO_API_BASE_URL: gusto.origin,
    ...extra,
  });
}

/** A refresh at Gusto itself, as another copy of the token would make it. */
function refreshAtGusto(gusto: GustoEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${gusto.origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

const GUSTO: StandardProvider<GustoAdmin, GustoEmulator> = {
  preset: 'gusto',
  displayName: 'Gusto',
  startEmulator: () => startGustoEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: gustoEnv,
  people: {
    cancelled: admin(108, 'Changed Mind Bakery'),
    'refused-code': admin(109, 'Refused Code Florist'),
    'wrong-secret': admin(301, 'Wrong Secret Deli'),
    'exchange-failure': admin(302, 'Outage Diner'),
  },
  subjectOf: (user) => user.uuid,
};

describeEachDialect('Gusto, against an emulator of Gusto', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), GUSTO);

  const signIn = (person: GustoAdmin) => signInAs(context, 'gusto', person);

  const company = (browser: TestBrowser, person: GustoAdmin, headers: Record<string, string> = {}) => browser.get(`${APP_ORIGIN}/api/providers/gusto/proxy/v1/companies/${person.company.uuid}`, { headers });

  it('signs in as the resource owner of /v1/token_info, the company kept, with no name or e-mail; no scope or PKCE asked, the code exchanged as JSON with the client in it, 2-hour tokens with a refresh token', async () => {
    const { database, emulator: gusto, app } = context;
    const acme = admin(101, 'Acme Payroll Co');
    const { userId, request } = await signIn(acme);
    expect(request.has('scope')).toBe(false);
    expect(request.has('code_challenge')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(acme.uuid);
    expect(JSON.parse(account.claims)).toMatchObject({ id: acme.uuid, company_uuid: acme.company.uuid, resource: { type: 'Company', uuid: acme.company.uuid }, resource_owner_type: 'CompanyAdmin' });
    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, name: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'gusto');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'companies:read employees:read' });
    expectAccessTokenLifetime(token, 7200 - 100, 7200);
    const exchange = gusto.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers['content-type']).toBe('application/json');
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('the proxy calls the API with the caller’s X-Gusto-API-Version; 20 concurrent calls on an expired token make one refresh, the new refresh token is kept, and the one it replaced ends once the new access token is used', async () => {
    const { emulator: gusto } = context;
    const person = admin(102, 'Grace Tailoring');
    const { browser, userId } = await signIn(person);
    const first = await company(browser, person, { 'X-Gusto-API-Version': '2026-02-01' });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ uuid: person.company.uuid, name: 'Grace Tailoring' });
    await company(browser, person);
    expect(gusto.versions.slice(-2)).toEqual(['2026-02-01', null]);

    const { before } = await expectRotatedAfterStorm(context, 'gusto', userId, () => company(browser, person));
    expect(gusto.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!.headers['content-type']).toBe('application/json');
    expect(await statusAndBody(refreshAtGusto(gusto, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("an app the admin disconnected in Gusto marks the connection 'needs re-auth' after one refresh Gusto refuses", async () => {
    const { emulator: gusto, app } = context;
    const person = admin(103, 'Leaving Soon Landscaping');
    const { browser, userId } = await signIn(person);
    gusto.disconnectInGusto(person);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: gusto }, 'gusto', userId, () => company(browser, person));
  });

  it('disconnect deletes the tokens here and asks Gusto nothing: it documents no revocation', async () => {
    const { emulator: gusto, app } = context;
    const { browser, userId } = await signIn(admin(104, 'Goodbye Goods'));
    await expectDisconnectAsksNothing(context, 'gusto', { browser, userId });
  });

  it('/v1/token_info failing (HTTP 500) is a 502, and nothing is stored', async () => {
    const { database, emulator: gusto, app } = context;
    const before = await rowCounts(database);
    gusto.signInAs(admin(105, 'Outage Outfitters'));
    gusto.failNextTokenInfo(500);
    const browser = app.browser();
    const start = await browser.get(`${APP_ORIGIN}/login/gusto`, { followRedirects: false });
    const callback = await browser.get(start.location!);
    expect(callback.status).toBe(502);
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, GUSTO, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Gusto’s demo environment through GUSTO_BASE_URL', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: GUSTO.startEmulator, env: (gusto) => presetEnv('gusto', CLIENT_ID, CLIENT_SECRET, { GUSTO_BASE_URL: gusto.origin }) });

  it('signs in and calls the API on the one host', async () => {
    const { emulator: gusto, app } = context;
    const person = admin(201, 'Demo Company');
    gusto.signInAs(person);
    const browser = app.browser();
    const start = await browser.get(`${APP_ORIGIN}/login/gusto`, { followRedirects: false });
    expect(new URL(start.location!).origin).toBe(gusto.origin);
    expect((await browser.get(start.location!)).status).toBe(200);
    expect((await browser.get(`${APP_ORIGIN}/api/providers/gusto/proxy/v1/companies/${person.company.uuid}`)).status).toBe(200);
    expect(gusto.server.counts.token_info).toBe(1);
  });
});

describeClientFailures(GUSTO, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
