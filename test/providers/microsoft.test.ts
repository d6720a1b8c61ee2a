import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishAuthorization, startAuthorization } from '../../src/client/authorization.js';
import { ProviderRegistry } from '../../src/client/provider-registry.js';
import { providerSettings } from '../../src/config/provider-config.js';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { newServiceKey, serviceApiClient } from '../support/service-api.js';
import { expectOneRefreshFor20Calls } from './kit/concurrent-calls.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, csrfTokenOf, disconnectThrough, presetEnv } from './kit/provider-app.js';
import { useProviderTest } from './kit/standard-cases.js';
import { CONSUMERS_TENANT, startMicrosoftEmulator, type MicrosoftEmulator, type MicrosoftUser } from './microsoft.emulator.js';

const CLIENT_ID = '6731de76-14a6-49ae-97bc-6eba6914391e';
const CLIENT_SECRET = 'microsoft-test-secret';
const CONTOSO = 'd5ee1c08-df48-41ab-9948-80530002a9a8';
const FABRIKAM = '72f988bf-86f1-41af-91ab-2d7cd011db47';

function member(tid: string, n: number, name: string): MicrosoftUser {
  return { sub: `AAAAAAAAAAAAAAAAAAAAA${n}`, oid: `00000000-0000-0000-0000-00000000000${n}`, tid, name, preferredUsername: `${name.split(' ')[0]!.toLowerCase()}@contoso.test`, email: `${name.split(' ')[0]!.toLowerCase()}@contoso.test` };
}

describeEachDialect('Microsoft Entra ID, one tenant, against an emulator of Microsoft', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startMicrosoftEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${APP_ORIGIN}/auth/microsoft/callback` }),
    env: (microsoft) => presetEnv('microsoft', CLIENT_ID, CLIENT_SECRET, {
      // A single-tenant app: the tenant's own issuer, here the emulator's.
      MICROSOFT_ISSUER: `${microsoft.origin}/${CONTOSO}/v2.0`,
      MICROSOFT_API_BASE_URL: microsoft.origin,
    }),
  });

  async function signIn(browser: TestBrowser, user: MicrosoftUser) {
    const { emulator: microsoft } = context;
    microsoft.signInAs(user);
    const start = await browser.get(`${APP_ORIGIN}/login/microsoft?next=/api/me`, { followRedirects: false });
    const page = await browser.get(start.location!);
    expect(page.status).toBe(200);
    return { request: new URL(start.location!).searchParams, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id };
  }

  it('signs in as the pairwise sub with offline_access and no consent prompt; the unverified e-mail is kept as it is', async () => {
    const { database, emulator: microsoft, app } = context;
    const megan = member(CONTOSO, 1, 'Megan Bowen');
    const { request, userId } = await signIn(app.browser(), megan);
    expect(request.get('scope')).toBe('openid profile email offline_access User.Read');
    expect(request.get('prompt')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['subject', 'issuer']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account).toEqual({ subject: megan.sub, issuer: `${microsoft.origin}/${CONTOSO}/v2.0` });
    const stored = await app.runtime.tokenStore.findToken(userId, 'microsoft');
    expect(stored!.refreshToken).toEqual(expect.any(String));
    expect(stored!.scope).toContain('https://graph.microsoft.com/User.Read');
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    // Entra ID does not verify the email claim (see the preset): not said.
    expect(user).toEqual({ name: 'Megan Bowen', email: 'megan@contoso.test', email_verified: null });
  });

  it('the proxy reaches Graph; 20 concurrent calls on an expired token make one refresh, and the new refresh token replaces the old', async () => {
    const { database, emulator: microsoft, app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, member(CONTOSO, 2, 'Alex Wilber'));
    const before = await app.runtime.tokenStore.findToken(userId, 'microsoft');
    await database.db.updateTable('tokens').set({ expires_at: Math.floor(Date.now() / 1000) - 10 }).where('user_id', '=', userId).execute();
    const answers = await expectOneRefreshFor20Calls(microsoft, () => browser.get(`${APP_ORIGIN}/api/providers/microsoft/proxy/v1.0/me`));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ displayName: 'Alex Wilber' });
    const after = await app.runtime.tokenStore.findToken(userId, 'microsoft');
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
  });

  it("a file's content: Graph's 302 Found comes back with the absolute download URL, through the browser proxy and the service API's, and gives the bytes without the token", async () => {
    const { emulator: microsoft, app } = context;
    const browser = app.browser();
    const lynne = member(CONTOSO, 8, 'Lynne Robbins');
    const { userId } = await signIn(browser, lynne);
    const report = { body: Buffer.from('%PDF-1.7 quarterly report\n'), contentType: 'application/pdf' };
    microsoft.putDriveItem(lynne.oid, '01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K', report);
    const downloadUrl = new RegExp(`^${microsoft.downloads.origin}/personal/${lynne.oid}/_layouts/15/download\\.aspx\\?tempauth=`);

    const proxied = await browser.get(`${APP_ORIGIN}/api/providers/microsoft/proxy/v1.0/me/drive/items/01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K/content`, { followRedirects: false });
    expect(proxied.status).toBe(302);
    expect(proxied.headers.get('tokenkeeper-upstream')).toBe('true');
    expect(proxied.headers.get('location')).toMatch(downloadUrl);

    const api = await serviceApiClient(app);
    const key = await newServiceKey(app, 'documents', ['proxy']);
    const served = await api.call({
      method: 'GET',
      template: '/users/{id}/connections/{provider}/proxy/{path}',
      params: { id: userId, provider: 'microsoft' },
      rest: 'v1.0/me/drive/items/01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K/content',
      key,
    });
    expect(served.status).toBe(302);
    expect(String(served.headers.location)).toMatch(downloadUrl);

    for (const location of [proxied.headers.get('location')!, String(served.headers.location)]) {
      const download = await fetch(location);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await download.arrayBuffer())).toEqual(report.body);
    }
    expect(microsoft.downloads.sawAuthorization).toBe(false);
    // The storage refuses a request that brings a token besides the one in its URL.
    expect((await fetch(proxied.headers.get('location')!, { headers: { authorization: 'Bearer eyJ0eXAi' } })).status).toBe(400);
  });

  it.each(['interaction_required', 'consent_required'] as const)(
    'a refresh Microsoft answers %s (only a new sign-in helps) marks the connection "needs re-auth" with one try, not a retry loop',
    async (error) => {
      const { database, emulator: microsoft, app } = context;
      const browser = app.browser();
      const person = member(CONTOSO, error === 'interaction_required' ? 6 : 7, 'Isaiah Langer');
      const { userId } = await signIn(browser, person);
      // An admin's Conditional Access policy now asks for MFA, or consent for the app was withdrawn.
      microsoft.requireInteraction(person.sub, error);
      await database.db.updateTable('tokens').set({ expires_at: Math.floor(Date.now() / 1000) - 10 }).where('user_id', '=', userId).execute();
      await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator: microsoft }, 'microsoft', userId, () => browser.get(`${APP_ORIGIN}/api/providers/microsoft/proxy/v1.0/me`));

      // Signing in again (with the MFA step done at Microsoft) brings the connection back.
      microsoft.requireInteraction(person.sub, null);
      await signIn(browser, person);
      expect((await app.runtime.tokenStore.findToken(userId, 'microsoft'))!.status).toBe('active');
    },
  );

  it('disconnect deletes the tokens and says Microsoft has no revocation endpoint', async () => {
    const { app } = context;
    const browser = app.browser();
    const { userId } = await signIn(browser, member(CONTOSO, 3, 'Diego Siciliani'));
    expect(await disconnectThrough(browser, 'microsoft')).toEqual({ disconnected: true, revokedAtProvider: false });
    expect(await app.runtime.tokenStore.findToken(userId, 'microsoft')).toBeUndefined();
  });

  it('disconnect from the account page says the tokens may still work at Microsoft, and how to end them', async () => {
    const { app } = context;
    const browser = app.browser();
    await signIn(browser, member(CONTOSO, 5, 'Megan Bowen'));
    const page = await browser.post(`${APP_ORIGIN}/account/connections/microsoft/disconnect`, { _csrf: await csrfTokenOf(browser) });
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    expect(page.text).toContain(
      'Disconnected from Microsoft: its tokens are deleted here, but Microsoft did not confirm their revocation (Microsoft has no revocation endpoint), so they may work there until they expire. To end them now, remove this app&#39;s access in your Microsoft account.',
    );
  });

  it('an ID token from another tenant than the configured one is refused, and nothing is stored', async () => {
    const { database, emulator: microsoft, app } = context;
    const users = await database.db.selectFrom('users').select('id').execute();
    microsoft.signInAs(member(FABRIKAM, 4, 'Intruder Example'));
    const browser = app.browser();
    const start = await browser.get(`${APP_ORIGIN}/login/microsoft`, { followRedirects: false });
    const page = await browser.get(start.location!);
    expect(page.status).toBe(502);
    expect(await database.db.selectFrom('users').select('id').execute()).toHaveLength(users.length);
  });
});

/**
 * `common`: any tenant. Microsoft's discovery document names the issuer
 * `https://login.microsoftonline.com/{tenantid}/v2.0`, which openid-client
 * accepts for that host only, so the real hosts are kept and the registry's
 * fetch carries them to the emulator.
 */
describe('Microsoft Entra ID, multi-tenant (common), against an emulator of Microsoft', () => {
  let microsoft: MicrosoftEmulator;
  let registry: ProviderRegistry;
  const redirectUri = 'https://app.test/auth/microsoft/callback';

  beforeAll(async () => {
    microsoft = await startMicrosoftEmulator({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri,
      publicOrigin: () => ({ login: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com' }),
    });
    const settings = providerSettings({ MICROSOFT_PRESET: 'microsoft', MICROSOFT_CLIENT_ID: CLIENT_ID, MICROSOFT_CLIENT_SECRET: CLIENT_SECRET }, 'microsoft', true);
    const toEmulator = (url: string) => url.replace(/^https:\/\/(login\.microsoftonline|graph\.microsoft)\.com/, microsoft.origin);
    registry = new ProviderRegistry([settings], { fetch: (url, init) => fetch(toEmulator(url), init as RequestInit) });
  });
  afterAll(() => microsoft?.close());

  async function signIn(user: MicrosoftUser) {
    microsoft.signInAs(user);
    const started = await startAuthorization(registry, 'microsoft', redirectUri);
    expect(started.authorizationUrl.origin).toBe('https://login.microsoftonline.com');
    expect(started.authorizationUrl.pathname).toBe('/common/oauth2/v2.0/authorize');
    const answer = await fetch(started.authorizationUrl.href.replace('https://login.microsoftonline.com', microsoft.origin), { redirect: 'manual' });
    const callback = new URL(answer.headers.get('location')!);
    return finishAuthorization(registry, started.transaction, callback.searchParams);
  }

  it('people of two different tenants sign in, each ID token checked against its own tenant’s issuer', async () => {
    const contoso = await signIn(member(CONTOSO, 5, 'Adele Vance'));
    const fabrikam = await signIn(member(FABRIKAM, 6, 'Lee Gu'));
    expect(contoso.identity).toMatchObject({ subject: 'AAAAAAAAAAAAAAAAAAAAA5', name: 'Adele Vance' });
    expect(contoso.identity.claims).toMatchObject({ iss: `https://login.microsoftonline.com/${CONTOSO}/v2.0`, tid: CONTOSO });
    expect(fabrikam.identity.claims).toMatchObject({ iss: `https://login.microsoftonline.com/${FABRIKAM}/v2.0`, tid: FABRIKAM });
    expect(contoso.tokens.refreshToken).toEqual(expect.any(String));
  });

  it('a configured endpoint over the discovery document keeps the tenant issuers working', async () => {
    const settings = providerSettings(
      { MICROSOFT_PRESET: 'microsoft', MICROSOFT_CLIENT_ID: CLIENT_ID, MICROSOFT_CLIENT_SECRET: CLIENT_SECRET, MICROSOFT_USERINFO_URL: 'https://graph.microsoft.com/oidc/userinfo?override=1' },
      'microsoft',
      true,
    );
    const toEmulator = (url: string) => url.replace(/^https:\/\/(login\.microsoftonline|graph\.microsoft)\.com/, microsoft.origin);
    const overridden = new ProviderRegistry([settings], { fetch: (url, init) => fetch(toEmulator(url), init as RequestInit) });
    const config = await overridden.get('microsoft').configuration();
    expect(config.serverMetadata().userinfo_endpoint).toBe('https://graph.microsoft.com/oidc/userinfo?override=1');
    const previous = registry;
    registry = overridden;
    try {
      const signedIn = await signIn(member(FABRIKAM, 8, 'Pradeep Gupta'));
      expect(signedIn.identity.claims).toMatchObject({ tid: FABRIKAM });
    } finally {
      registry = previous;
    }
  });

  it('a personal Microsoft account signs in through common, its ID token issued by the consumers tenant (9188040d-…)', async () => {
    const personal = await signIn({ ...member(CONSUMERS_TENANT, 9, 'Pat Personal'), email: 'pat@outlook.test' });
    expect(personal.identity).toMatchObject({ subject: 'AAAAAAAAAAAAAAAAAAAAA9', email: 'pat@outlook.test', emailVerified: null });
    expect(personal.identity.claims).toMatchObject({ iss: `https://login.microsoftonline.com/${CONSUMERS_TENANT}/v2.0`, tid: CONSUMERS_TENANT });
  });

  it('MICROSOFT_TENANT=consumers: its discovery names the consumers tenant id as issuer, and a personal account signs in', async () => {
    const settings = providerSettings({ MICROSOFT_PRESET: 'microsoft', MICROSOFT_CLIENT_ID: CLIENT_ID, MICROSOFT_CLIENT_SECRET: CLIENT_SECRET, MICROSOFT_TENANT: 'consumers' }, 'microsoft', true);
    const toEmulator = (url: string) => url.replace(/^https:\/\/(login\.microsoftonline|graph\.microsoft)\.com/, microsoft.origin);
    const consumers = new ProviderRegistry([settings], { fetch: (url, init) => fetch(toEmulator(url), init as RequestInit) });
    const previous = registry;
    registry = consumers;
    try {
      microsoft.signInAs(member(CONSUMERS_TENANT, 10, 'Casey Consumer'));
      const started = await startAuthorization(registry, 'microsoft', redirectUri);
      expect(started.authorizationUrl.pathname).toBe('/consumers/oauth2/v2.0/authorize');
      expect(started.transaction.issuer).toBe(`https://login.microsoftonline.com/${CONSUMERS_TENANT}/v2.0`);
      const answer = await fetch(started.authorizationUrl.href.replace('https://login.microsoftonline.com', microsoft.origin), { redirect: 'manual' });
      const signedIn = await finishAuthorization(registry, started.transaction, new URL(answer.headers.get('location')!).searchParams);
      expect(signedIn.identity).toMatchObject({ subject: 'AAAAAAAAAAAAAAAAAAAAA10', issuer: `https://login.microsoftonline.com/${CONSUMERS_TENANT}/v2.0` });
    } finally {
      registry = previous;
    }
  });

  it('an ID token whose iss names another tenant than its tid is refused', async () => {
    await expect(signIn({ ...member(FABRIKAM, 7, 'Forged Person'), issuerTenant: CONTOSO })).rejects.toMatchObject({ code: 'provider_bad_response', status: 502 });
  });
});
