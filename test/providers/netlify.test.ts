import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startNetlifyEmulator, type NetlifyEmulator, type NetlifyUser } from './netlify.emulator.js';

// A client id and secret of the form Netlify's OAuth applications show (43 characters each).
const CLIENT_ID = 'Xk2mP9qR4sT7vW1yZ3aB5cD8eF0gH2jK4lN6pQ8rS0t';
const CLIENT_SECRET = 'uV2wX4yZ6aB8cD0eF2gH4jK6lM8nP0qR2sT4vW6xY8z';
const REDIRECT_URI = `${APP_ORIGIN}/auth/netlify/callback`;

function person(id: number, fullName: string): NetlifyUser {
  return { id: `5d4f6c1e2a3b4c5d6e7f${String(id).padStart(4, '0')}`, fullName, email: `${fullName.split(' ')[0]!.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/user moves with it). */
function netlifyEnv(netlify: NetlifyEmulator): Record<string, string> {
  return presetEnv('netlify', CLIENT_ID, CLIENT_SECRET, {
    NETLIFY_AUTHORIZE_URL: `${netlify.origin}/authorize`,
    NETLIFY_ACCESS_TOKEN_URL: `${netlify.origin}/oauth/token`,
    NETLIFY_API_BASE_URL: `${netlify.origin}/api/v1`,
  });
}

const NETLIFY: StandardProvider<NetlifyUser, NetlifyEmulator> = {
  preset: 'netlify',
  displayName: 'Netlify',
  startEmulator: () => startNetlifyEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: netlifyEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

const sites = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/netlify/proxy/sites`);

describeEachDialect('Netlify, against an emulator of Netlify', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), NETLIFY);

  const signIn = (user: NetlifyUser) => signInAs(context, 'netlify', user);

  it('signs in as the id of /api/v1/user with its full name and e-mail (verification unknown); no scope asked, the client in the form, a token answered alone that is kept without an expiry or a refresh token', async () => {
    const { database, emulator: netlify, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, uid: ada.id.slice(0, 12) });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'ada@example.com', email_verified: null, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'netlify');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, tokenType: 'bearer' });
    const exchange = netlify.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(netlify.server.requests.filter((r) => r.path === '/api/v1/user').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the API with the token as Bearer; 20 concurrent calls ask Netlify for no token, as there is nothing to refresh', async () => {
    const { emulator: netlify, app } = context;
    const alan = person(102, 'Alan Turing');
    const { browser, userId } = await signIn(alan);
    const tokenRequests = netlify.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => sites(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject([{ name: 'quirky-lovelace-1a2b3c', user_id: alan.id }]);
    const stored = await app.runtime.tokenStore.findToken(userId, 'netlify');
    expect(netlify.server.requests.filter((r) => r.path === '/api/v1/sites').at(-1)!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
    expect(netlify.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it("the application revoked in the person's settings (401 { code, message }) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: netlify } = context;
    const leaving = person(103, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    expect((await sites(browser)).status).toBe(200);
    netlify.removeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'netlify', userId, () => sites(browser));
  });

  it('disconnect deletes the token here and asks Netlify nothing: it documents no revocation endpoint', async () => {
    const { browser, userId } = await signIn(person(104, 'Goodbye Person'));
    await expectDisconnectAsksNothing(context, 'netlify', { browser, userId });
  });

  standardCases(() => context, NETLIFY, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(NETLIFY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it("in production the preset calls Netlify itself: app.netlify.com's authorization page, api.netlify.com's token endpoint and API", () => {
  const settings = presetInProduction('netlify', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({ authorizationEndpoint: 'https://app.netlify.com/authorize', tokenEndpoint: 'https://api.netlify.com/oauth/token', userinfoEndpoint: 'https://api.netlify.com/api/v1/user' });
  expect(settings.apiBaseUrl).toBe('https://api.netlify.com/api/v1');
});
