import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startB2cEmulator, type B2cEmulator, type B2cEmulatorOptions, type B2cUser } from './azure_ad_b2c.emulator.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, disconnectThrough, presetEnv, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An app registered in the B2C tenant `contoso`, its user flow, and the tenant's id.
const CLIENT_ID = '90c0fe63-bcf2-44d5-8fb7-b8bbc0b29dc6';
const CLIENT_SECRET = 'b2c~Secret.Value_0123456789abcdefghij';
const TENANT_NAME = 'contoso';
const TENANT_ID = '775527ff-9a37-4307-8b3d-cc311f58d925';
const POLICY = 'B2C_1_signupsignin';
const REDIRECT_URI = `${APP_ORIGIN}/auth/azure_ad_b2c/callback`;
const DAY = 86_400;

function person(n: number, displayName: string, emails = [`${displayName.split(' ')[0]!.toLowerCase()}@example.com`]): B2cUser {
  return { objectId: `3f1c5a2e-0000-4000-8000-${String(n).padStart(12, '0')}`, displayName, emails };
}

const start = (more: Partial<B2cEmulatorOptions> = {}) =>
  startB2cEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, tenantName: TENANT_NAME, tenantId: TENANT_ID, policy: POLICY, ...more });

/** The documented variables: the user flow's discovery document pointed at the emulator, and the app's own API there. */
function b2cEnv(b2c: B2cEmulator): Record<string, string> {
  return presetEnv('azure_ad_b2c', CLIENT_ID, CLIENT_SECRET, { AZURE_AD_B2C_SERVER_METADATA_URL: b2c.metadataUrl, AZURE_AD_B2C_API_BASE_URL: `${b2c.origin}/api` });
}

const refreshAtB2c = (b2c: B2cEmulator, refreshToken: string) => refreshAtProvider(b2c.tokenUrl, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken);

const B2C: StandardProvider<B2cUser, B2cEmulator> = {
  preset: 'azure_ad_b2c',
  displayName: 'Azure AD B2C',
  startEmulator: () => start(),
  env: b2cEnv,
  people: standardPeople((n, name) => person(n, name)),
  subjectOf: (user) => user.objectId,
};

describeEachDialect('Azure AD B2C, against an emulator of a B2C user flow', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), B2C);

  const signIn = (user: B2cUser) => signInAs(context, 'azure_ad_b2c', user);
  const profile = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/azure_ad_b2c/proxy/profile`);

  it('signs in at the user flow as the object id sub, under the tenant id’s issuer, the profile from the ID token alone (the first of emails, not verified); openid offline_access and the client id, PKCE, no consent prompt; a one-hour token and a refresh token', async () => {
    const { database, emulator: b2c, app } = context;
    const ada = person(101, 'Ada Lovelace', ['ada@example.com', 'ada@work.example']);
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe(`openid offline_access ${CLIENT_ID}`);
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('prompt')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ issuer: `${b2c.origin}/${TENANT_ID}/v2.0/`, subject: ada.objectId });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'azure_ad_b2c');
    expect(token).toMatchObject({ refreshToken: expect.any(String) });
    // B2C writes expires_in as a string ("3600"): read as the hour it says.
    expectAccessTokenLifetime(token, 3600 - 100, 3600);
    // No userinfo: nothing but the flow's endpoints was asked.
    expect(b2c.server.requests.filter((r) => !r.path.startsWith(`/${TENANT_NAME}.onmicrosoft.com/${POLICY}/`))).toEqual([]);
  });

  it('a person without an e-mail (a social account that gave none) signs in with none', async () => {
    const { database } = context;
    const { userId } = await signIn(person(102, 'No Mail', []));
    expect(await database.db.selectFrom('users').select(['name', 'email']).where('id', '=', userId).executeTakeFirstOrThrow()).toEqual({ name: 'No Mail', email: null });
  });

  it('the proxy reaches the app’s own API with the access token B2C issued for the client id', async () => {
    const { emulator: b2c } = context;
    const grace = person(103, 'Grace Hopper');
    const { browser } = await signIn(grace);
    const answer = await profile(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ objectId: grace.objectId, name: 'Grace Hopper' });
    expect(b2c.server.requests.findLast((r) => r.path === '/api/profile')!.headers.authorization).toMatch(/^Bearer /);
  });

  it('20 concurrent calls on an expired token make one refresh; the new refresh token B2C answers replaces the old', async () => {
    const { browser, userId } = await signIn(person(104, 'Alan Turing'));
    const { after } = await expectRotatedAfterStorm(context, 'azure_ad_b2c', userId, () => profile(browser));
    expectAccessTokenLifetime(after, 3600 - 100, 3600);
  });

  it("the user's sessions revoked by an administrator: the refresh is refused (AADB2C90080), and the connection needs re-auth after one try", async () => {
    const { emulator: b2c, app } = context;
    const leaving = person(105, 'Edsger Dijkstra');
    const { browser, userId } = await signIn(leaving);
    const stored = await app.runtime.tokenStore.findToken(userId, 'azure_ad_b2c');
    b2c.revokeSignInSessions(leaving);
    const refused = await statusAndBody(refreshAtB2c(b2c, stored!.refreshToken!));
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringMatching(/^AADB2C90080: /) } });
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'azure_ad_b2c', userId, () => profile(browser));
  });

  it('disconnect deletes the tokens here and says there is no revocation at B2C', async () => {
    const { app, emulator: b2c } = context;
    const { browser, userId } = await signIn(person(106, 'Barbara Liskov'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'azure_ad_b2c');
    expect(await disconnectThrough(browser, 'azure_ad_b2c')).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(await app.runtime.tokenStore.findToken(userId, 'azure_ad_b2c')).toBeUndefined();
    expect(b2c.accepts(stored!.accessToken)).toBe(true);
  });

  it('signing in again finds the same person by the object id', async () => {
    const { database } = context;
    const returning = person(107, 'Margaret Hamilton');
    const first = await signIn(returning);
    const second = await signIn(returning);
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('accounts').select('id').where('provider', '=', 'azure_ad_b2c').where('subject', '=', returning.objectId).execute()).toHaveLength(1);
  });

  standardCases(() => context, B2C, { cancelled: { sentAs: 'access_denied (AADB2C90091)' }, refusedCode: { sentAs: 'invalid_grant (AADB2C90080)' } });
});

describeClientFailures(B2C, { wrongSecret: { sentAs: '401 invalid_client (AADB2C90081)' }, exchangeFailure: {} });

// The user flow's default "Refresh token lifetime": 14 days each.
describeKeepAlive(B2C, {
  title: 'Azure AD B2C refresh tokens (14 days each) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last quarter of its 14 days (3½ days before their end), and the new refresh token keeps it working past the first one’s end',
  startEmulator: (now) => start({ now }),
  person: person(201, 'Idle Person'),
  dueAfterDays: 10.5,
  usedAgainAfterDays: 8,
  firstRefreshTokenRefused: async (b2c, refreshToken) => {
    const refused = await refreshAtB2c(b2c, refreshToken);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
  },
});

describe('the azure_ad_b2c preset in production', () => {
  const { settings, refusal } = presetInProduction('azure_ad_b2c', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const flow = `https://contoso.b2clogin.com/contoso.onmicrosoft.com/${POLICY}/v2.0/.well-known/openid-configuration`;

  it('reads the user flow’s discovery document at the tenant’s b2clogin.com host, by the tenant’s name or either full name, and asks for the client id as a scope', () => {
    expect(settings({ AZURE_AD_B2C_TENANT: 'contoso', AZURE_AD_B2C_POLICY: POLICY })).toMatchObject({
      displayName: 'Azure AD B2C',
      discovery: { metadataUrl: flow },
      scope: `openid offline_access ${CLIENT_ID}`,
      skipUserinfo: true,
      refreshTokenNeedsConsent: false,
      refreshTokenIdleSeconds: 14 * DAY,
    });
    expect(settings({ AZURE_AD_B2C_TENANT: 'contoso.onmicrosoft.com', AZURE_AD_B2C_POLICY: POLICY }).discovery).toMatchObject({ metadataUrl: flow });
    expect(settings({ AZURE_AD_B2C_TENANT: 'contoso.b2clogin.com', AZURE_AD_B2C_POLICY: POLICY }).discovery).toMatchObject({ metadataUrl: flow });
    expect(settings({ AZURE_AD_B2C_TENANT: 'contoso', AZURE_AD_B2C_POLICY: 'B2C_1A_signup_signin' }).discovery).toMatchObject({
      metadataUrl: 'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1A_signup_signin/v2.0/.well-known/openid-configuration',
    });
  });

  it('a custom domain: the discovery document by AZURE_AD_B2C_SERVER_METADATA_URL alone', () => {
    const metadataUrl = `https://login.contoso.com/${TENANT_ID}/${POLICY}/v2.0/.well-known/openid-configuration`;
    expect(settings({ AZURE_AD_B2C_SERVER_METADATA_URL: metadataUrl }).discovery).toMatchObject({ metadataUrl });
  });

  it('needs the tenant and the user flow, a name of letters, digits, _ and -; POLICY is refused by another preset', () => {
    expect(refusal({ AZURE_AD_B2C_POLICY: POLICY })).toContain('AZURE_AD_B2C_TENANT is missing (the azure_ad_b2c preset makes the issuer from it; or set AZURE_AD_B2C_ISSUER)');
    expect(refusal({ AZURE_AD_B2C_TENANT: 'contoso' })).toContain('AZURE_AD_B2C_POLICY is missing (the azure_ad_b2c preset makes the issuer from it; or set AZURE_AD_B2C_ISSUER)');
    expect(refusal({ AZURE_AD_B2C_TENANT: 'contoso', AZURE_AD_B2C_POLICY: 'B2C_1 sign in' })).toContain(
      `AZURE_AD_B2C_POLICY must be an Azure AD B2C user flow's or custom policy's name: letters, digits, _ and -, e.g. B2C_1_signupsignin (got "B2C_1 sign in")`,
    );
    const microsoft = presetInProduction('microsoft', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(microsoft.refusal({ MICROSOFT_POLICY: POLICY })).toContain('MICROSOFT_POLICY is not used by the microsoft preset; remove it');
  });
});
