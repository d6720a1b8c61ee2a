import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startExternalIdEmulator, type ExternalIdEmulator, type ExternalIdEmulatorOptions, type ExternalIdUser } from './entra_external_id.emulator.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An app registered in an external tenant `contoso` (contoso.ciamlogin.com), and that tenant's id.
const CLIENT_ID = '8f0c3b1e-2a4d-4c6e-9b7a-1d2e3f4a5b6c';
const CLIENT_SECRET = 'Qx88Q~externalid.test-secret_value';
const TENANT_NAME = 'contoso';
const TENANT_ID = '3e1a7c52-9d4b-4f6a-8c2e-5b7d9f1a3c4e';
const OTHER_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const REDIRECT_URI = `${APP_ORIGIN}/auth/entra_external_id/callback`;
const DAY = 86_400;

function person(n: number, name: string): ExternalIdUser {
  const first = name.split(' ')[0]!.toLowerCase();
  return { sub: `pX2rL9k${String(n).padStart(4, '0')}QwErTyUiOpAsDfGhJkLzXcVbNm`, oid: `0a1b2c3d-0000-4000-8000-${String(n).padStart(12, '0')}`, name, email: `${first}@example.com` };
}

const start = (more: Partial<ExternalIdEmulatorOptions> = {}) =>
  startExternalIdEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, tenantName: TENANT_NAME, tenantId: TENANT_ID, ...more });

/** The documented variables: the discovery document at the tenant's name, pointed at the emulator, and Graph there too. */
function externalIdEnv(externalId: ExternalIdEmulator): Record<string, string> {
  return presetEnv('entra_external_id', CLIENT_ID, CLIENT_SECRET, { ENTRA_EXTERNAL_ID_SERVER_METADATA_URL: externalId.metadataUrl, ENTRA_EXTERNAL_ID_API_BASE_URL: externalId.origin });
}

const tokenUrl = (externalId: ExternalIdEmulator) => `${externalId.origin}/${TENANT_ID}/oauth2/v2.0/token`;

const EXTERNAL_ID: StandardProvider<ExternalIdUser, ExternalIdEmulator> = {
  preset: 'entra_external_id',
  displayName: 'Microsoft Entra External ID',
  startEmulator: () => start(),
  env: externalIdEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.sub,
};

describeEachDialect('Microsoft Entra External ID, against an emulator of an external tenant', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), EXTERNAL_ID);

  const signIn = (user: ExternalIdUser) => signInAs(context, 'entra_external_id', user);
  const userinfo = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/entra_external_id/proxy/oidc/userinfo`);

  it('discovers the tenant by its name and signs in under the issuer its document names, the tenant id’s, as the pairwise sub; openid profile email offline_access with PKCE and no consent prompt; the e-mail not marked verified', async () => {
    const { database, emulator: externalId, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('openid profile email offline_access');
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('prompt')).toBeNull();
    expect(externalId.server.requests.some((r) => r.path === `/${TENANT_NAME}.onmicrosoft.com/v2.0/.well-known/openid-configuration`)).toBe(true);
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: `${externalId.origin}/${TENANT_ID}/v2.0`, subject: ada.sub });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'entra_external_id');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'openid profile email offline_access' });
    expectAccessTokenLifetime(token, 3599 - 100, 3599);
  });

  it('the proxy reaches Graph with the token (its OpenID userinfo)', async () => {
    const { emulator: externalId } = context;
    const grace = person(102, 'Grace Hopper');
    const { browser } = await signIn(grace);
    const answer = await userinfo(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sub: grace.sub, name: 'Grace Hopper', email: 'grace@example.com' });
    expect(externalId.server.requests.findLast((r) => r.path === '/oidc/userinfo')!.headers.authorization).toMatch(/^Bearer /);
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token is kept, and the one used still works at Microsoft until it expires', async () => {
    const { emulator: externalId } = context;
    const { browser, userId } = await signIn(person(103, 'Alan Turing'));
    const { before } = await expectRotatedAfterStorm(context, 'entra_external_id', userId, () => userinfo(browser));
    expect((await refreshAtProvider(tokenUrl(externalId), { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, before.refreshToken!)).status).toBe(200);
  });

  it("the user's sign-in sessions revoked by an administrator: the refresh is refused (AADSTS50173), and the connection needs re-auth after one try", async () => {
    const { emulator: externalId } = context;
    const leaving = person(104, 'Edsger Dijkstra');
    const { browser, userId } = await signIn(leaving);
    const stored = await context.app.runtime.tokenStore.findToken(userId, 'entra_external_id');
    externalId.revokeSignInSessions(leaving);
    expect(await statusAndBody(refreshAtProvider(tokenUrl(externalId), { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, stored!.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_codes: [50173] } });
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'entra_external_id', userId, () => userinfo(browser));
  });

  it('disconnect deletes the tokens here and says there is no revocation at Microsoft', async () => {
    const { app, emulator: externalId } = context;
    const { browser, userId } = await signIn(person(105, 'Barbara Liskov'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'entra_external_id');
    expect(await disconnectThrough(browser, 'entra_external_id')).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(await app.runtime.tokenStore.findToken(userId, 'entra_external_id')).toBeUndefined();
    expect(externalId.accepts(stored!.accessToken)).toBe(true);
  });

  it('an ID token another tenant issued is refused, as its iss is not the tenant’s, and nothing is stored', async () => {
    const { database, emulator: externalId, app } = context;
    const users = await database.db.selectFrom('users').select('id').execute();
    externalId.signInAs({ ...person(106, 'Intruder Example'), issuerTenant: OTHER_TENANT });
    const browser = app.browser();
    const begin = await browser.get(`${APP_ORIGIN}/login/entra_external_id`, { followRedirects: false });
    const page = await browser.get(begin.location!);
    expect(page.status).toBe(502);
    expect(await database.db.selectFrom('users').select('id').execute()).toHaveLength(users.length);
  });

  it('signing in again finds the same person by the sub', async () => {
    const { database } = context;
    const returning = person(107, 'Margaret Hamilton');
    const first = await signIn(returning);
    const second = await signIn(returning);
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'entra_external_id').where('subject', '=', returning.sub).execute()).toHaveLength(1);
  });

  standardCases(() => context, EXTERNAL_ID, { cancelled: {}, refusedCode: { sentAs: 'invalid_grant (AADSTS70008)' } });
});

describeClientFailures(EXTERNAL_ID, { wrongSecret: { sentAs: '401 invalid_client (AADSTS7000215)' }, exchangeFailure: {} });

// Each refresh token lives 90 days, a new one with every refresh.
describeKeepAlive(EXTERNAL_ID, {
  title: 'Microsoft Entra External ID refresh tokens (90 days each) and the keep-alive sweep',
  name: 'refreshes an unused connection once 7 days before its 90 days end, and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => start({ now }),
  person: person(201, 'Idle Person'),
  dueAfterDays: 83,
  usedAgainAfterDays: 8,
  firstRefreshTokenRefused: async (externalId, refreshToken) => {
    const refused = await refreshAtProvider(tokenUrl(externalId), { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
  },
});

describe('the entra_external_id preset in production', () => {
  const { env, settings, refusal } = presetInProduction('entra_external_id', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const contoso = 'https://contoso.ciamlogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration';

  it('reads the discovery document at the tenant’s ciamlogin.com host, by its subdomain or either full name; the API is Graph', () => {
    expect(settings({ ENTRA_EXTERNAL_ID_TENANT: 'contoso' })).toMatchObject({
      displayName: 'Microsoft Entra External ID',
      discovery: { metadataUrl: contoso },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://graph.microsoft.com',
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 90 * DAY,
    });
    expect(settings({ ENTRA_EXTERNAL_ID_TENANT: 'contoso.onmicrosoft.com' }).discovery).toMatchObject({ metadataUrl: contoso });
    expect(settings({ ENTRA_EXTERNAL_ID_TENANT: 'contoso.ciamlogin.com' }).discovery).toMatchObject({ metadataUrl: contoso });
  });

  it('a custom URL domain or the tenant id’s path: the discovery document by ENTRA_EXTERNAL_ID_SERVER_METADATA_URL, without the tenant', () => {
    const metadataUrl = `https://login.contoso.com/${TENANT_ID}/v2.0/.well-known/openid-configuration`;
    expect(settings({ ENTRA_EXTERNAL_ID_SERVER_METADATA_URL: metadataUrl }).discovery).toMatchObject({ metadataUrl });
  });

  it('needs the tenant, or a discovery address', () => {
    expect(env).toBeDefined();
    expect(refusal({})).toContain('ENTRA_EXTERNAL_ID_TENANT is missing (the entra_external_id preset makes the issuer from it; or set ENTRA_EXTERNAL_ID_ISSUER)');
  });
});
