import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startClickUpEmulator, type ClickUpEmulator, type ClickUpUser } from './clickup.emulator.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { describeClientFailures, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

const CLIENT_ID = 'K7QJ2ZV0R8YH3M5N1X4B6C9D0F2G8H1L';
const CLIENT_SECRET = 'P3W9E6T1Y4U7I0O2A5S8D1F4G7H0J3K6L9Z2X5C8V1B4N7M0Q3R6T9Y2U5I8O1';
const REDIRECT_URI = `${APP_ORIGIN}/auth/clickup/callback`;

function person(id: number, username: string, workspaces = [{ id: '9015123456', name: 'Acme' }]): ClickUpUser {
  return { id, username, email: `${username.split(' ')[0]!.toLowerCase()}@clickup.test`, workspaces };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints and the API base (/v2/user moves with it). */
function clickupEnv(clickup: ClickUpEmulator): Record<string, string> {
  return presetEnv('clickup', CLIENT_ID, CLIENT_SECRET, {
    CLICKUP_AUTHORIZE_URL: `${clickup.origin}/api`,
    CLICKUP_ACCESS_TOKEN_URL: `${clickup.origin}/api/v2/oauth/token`,
    CLICKUP_API_BASE_URL: `${clickup.origin}/api`,
  });
}

const CLICKUP: StandardProvider<ClickUpUser, ClickUpEmulator> = {
  preset: 'clickup',
  displayName: 'ClickUp',
  startEmulator: () => startClickUpEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: clickupEnv,
  people: {
    cancelled: person(81000001, 'Changed Mind'),
    'refused-code': person(81000002, 'Refused Code'),
    'wrong-secret': person(81000003, 'Wrong Secret'),
    'exchange-failure': person(81000004, 'Outage Person'),
  },
  subjectOf: (user) => String(user.id),
};

describeEachDialect('ClickUp, against an emulator of ClickUp', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: CLICKUP.startEmulator, env: clickupEnv });

  const signIn = (user: ClickUpUser) => signInAs(context, 'clickup', user);

  const teams = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/clickup/proxy/v2/team`);

  it('signs in as the id of /api/v2/user with its username and e-mail (verification unknown); no scope asked, the client in the form body (no secret in a URL), a token answered alone that never expires, sent as Bearer', async () => {
    const { database, emulator: clickup, app } = context;
    const { userId, request } = await signIn(person(183, 'John Doe'));
    expect(request.has('scope')).toBe(false);
    expect(request.get('client_id')).toBe(CLIENT_ID);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('183');
    expect(JSON.parse(account.claims)).toMatchObject({ id: 183, username: 'John Doe', email: 'john@clickup.test' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ name: 'John Doe', email: 'john@clickup.test', email_verified: null });
    const token = await app.runtime.tokenStore.findToken(userId, 'clickup');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, tokenType: 'bearer' });
    const exchange = clickup.server.requests.find((r) => r.path.startsWith('/api/v2/oauth/token'))!;
    expect(exchange.path).toBe('/api/v2/oauth/token');
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(exchange.headers.authorization).toBeUndefined();
    expect(clickup.server.counts.client_in_query ?? 0).toBe(0);
    expect(clickup.server.requests.filter((r) => r.path === '/api/v2/user').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the API with the token as Bearer; 20 concurrent calls ask ClickUp for no token, as there is nothing to refresh', async () => {
    const { emulator: clickup, app } = context;
    const { browser, userId } = await signIn(person(184, 'Grace Hopper', [{ id: '9015000001', name: 'Navy' }, { id: '9015000002', name: 'Harvard' }]));
    const tokenRequests = clickup.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => teams(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ teams: [{ id: '9015000001', name: 'Navy' }, { id: '9015000002', name: 'Harvard' }] });
    expect(clickup.server.requests.filter((r) => r.path === '/api/v2/team').at(-1)!.headers.authorization).toBe(`Bearer ${(await app.runtime.tokenStore.findToken(userId, 'clickup'))!.accessToken}`);
    expect(clickup.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it("the app revoked in ClickUp (401 OAUTH_025) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: clickup } = context;
    const { browser, userId } = await signIn(person(185, 'Alan Turing'));
    clickup.revokeApp(185);
    await expectNeedsReauthWithoutTokenRequest(context, 'clickup', userId, () => teams(browser));
  });

  it('disconnect deletes the token here and asks ClickUp nothing: it has no revocation endpoint', async () => {
    const { browser, userId } = await signIn(person(186, 'Leaving Person'));
    await expectDisconnectAsksNothing(context, 'clickup', { browser, userId });
  });

  standardCases(() => context, CLICKUP, { cancelled: {}, refusedCode: { sentAs: '400 "Code not found"' } });
});

describeClientFailures(CLICKUP, { wrongSecret: { sentAs: '401 OAUTH_010 "Client Not Found"' }, exchangeFailure: {} });
