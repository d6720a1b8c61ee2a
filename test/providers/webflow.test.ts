import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectNoTokenRequestFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { expectProfileFailureStoresNothing } from './kit/profile-failure.js';
import { APP_ORIGIN, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startWebflowEmulator, type WebflowEmulator, type WebflowUser } from './webflow.emulator.js';

// A client id and secret of the form Webflow's docs show (64 hex digits each).
const CLIENT_ID = '2ccc1b455c782fd60093590c83ee5e315b36bd6640507bb48570e5d0265c2854';
const CLIENT_SECRET = 'd26ec60528020e1caf426db1a20dceaf5f4e3581bb29bc659b2886d46a7160ed';
const REDIRECT_URI = `${APP_ORIGIN}/auth/webflow/callback`;

function person(n: number, firstName: string, lastName: string): WebflowUser {
  return { id: `545bbecb7bdd${String(n).padStart(12, '0')}`, email: `${firstName.toLowerCase()}@example.com`, firstName, lastName };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (authorized_by moves with the API base). */
function webflowEnv(webflow: WebflowEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'webflow',
    WEBFLOW_PRESET: 'webflow',
    WEBFLOW_CLIENT_ID: CLIENT_ID,
    WEBFLOW_CLIENT_SECRET: CLIENT_SECRET,
    WEBFLOW_AUTHORIZE_URL: `${webflow.origin}/oauth/authorize`,
    WEBFLOW_ACCESS_TOKEN_URL: `${webflow.origin}/oauth/access_token`,
    WEBFLOW_REVOCATION_URL: `${webflow.origin}/oauth/revoke_authorization`,
    WEBFLOW_API_BASE_URL: `${webflow.origin}/v2`,
    WEBFLOW_SCOPE: 'authorized_user:read sites:read',
    ...extra,
  };
}

const WEBFLOW: StandardProvider<WebflowUser, WebflowEmulator> = {
  preset: 'webflow',
  displayName: 'Webflow',
  startEmulator: () => startWebflowEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: webflowEnv,
  people: standardPeopleByNameParts(person),
  subjectOf: (user) => user.id,
};

describeEachDialect('Webflow, against an emulator of Webflow', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), WEBFLOW);

  const signIn = (user: WebflowUser) => signInAs(context, 'webflow', user);
  const sites = (browser: TestBrowser) => browser.request(`${APP_ORIGIN}/api/providers/webflow/proxy/sites`, { method: 'GET' });

  it('signs in as the id of /v2/token/authorized_by, the names joined and the e-mail unverified; no PKCE, the code exchanged as JSON with the client in it, a token with no end and no refresh token', async () => {
    const { database, emulator: webflow, app } = context;
    const some = person(101, 'Some', 'One');
    const { userId, request } = await signIn(some);
    expect(request.get('scope')).toBe('authorized_user:read sites:read');
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(some.id);
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'some@example.com', name: 'Some One' });
    expect(Boolean(user.email_verified)).toBe(false);
    expect(await app.runtime.tokenStore.findToken(userId, 'webflow')).toMatchObject({ refreshToken: null, expiresAt: null, scope: 'authorized_user:read sites:read' });
    const exchange = webflow.server.requests.find((r) => r.path === '/oauth/access_token')!;
    expect(exchange.headers['content-type']).toBe('application/json');
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('the proxy calls the Data API; 20 concurrent calls ask Webflow for no token', async () => {
    const { emulator: webflow } = context;
    const { browser } = await signIn(person(102, 'Proxy', 'Person'));
    const answers = await expectNoTokenRequestFor20Calls(webflow, () => sites(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ sites: [{ shortName: 'hitchhikers-guide' }] });
  });

  it("an app removed in Webflow marks the connection 'needs re-auth' at the API's 401, with no token request; disconnect then counts Webflow's invalid_token as revoked", async () => {
    const { emulator: webflow } = context;
    const leaving = person(103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    webflow.removeAppInWebflow(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'webflow', userId, () => sites(browser));
    await expectDisconnectRevokes(context, 'webflow', { browser, userId }, { requests: 1 });
  });

  it('disconnect revokes the access token at /oauth/revoke_authorization with the client in a JSON body', async () => {
    const { emulator: webflow } = context;
    const { browser, userId } = await signIn(person(104, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'webflow', { browser, userId }, { requests: 1 });
    expect(webflow.server.requests.filter((r) => r.path === '/oauth/revoke_authorization').at(-1)!.headers['content-type']).toBe('application/json');
    expect(webflow.accepts(stored.accessToken)).toBe(false);
  });

  it('/v2/token/authorized_by failing (HTTP 500) is a 502, and nothing is stored', async () => {
    await expectProfileFailureStoresNothing(context, WEBFLOW, person(110, 'Outage', 'Again'), (webflow) => webflow.failNextAuthorizedByRequest(500));
  });

  standardCases(() => context, WEBFLOW, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(WEBFLOW, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
