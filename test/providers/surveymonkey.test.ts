import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthWithoutTokenRequest } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { countRows, describeClientFailures, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSurveyMonkeyEmulator, type SurveyMonkeyEmulator, type SurveyMonkeyUser } from './surveymonkey.emulator.js';

// A client id and secret of the form SurveyMonkey's app settings show.
const CLIENT_ID = 'aBcD3fGh1JkLmN0pQrStUv';
const CLIENT_SECRET = '112233445566778899001122334455667788990011';
const REDIRECT_URI = `${APP_ORIGIN}/auth/surveymonkey/callback`;

function person(id: number, name: string, emailVerified = true): SurveyMonkeyUser {
  const [firstName, lastName] = name.split(' ') as [string, string];
  return { id: String(149_000_000 + id), username: `${firstName.toLowerCase()}${id}`, firstName, lastName, email: `${firstName.toLowerCase()}@example.com`, emailVerified };
}

/** Only the documented variables: the preset, the client, the OAuth endpoints, and the API origin (the host a token answer's access_url may name). */
function surveymonkeyEnv(surveymonkey: SurveyMonkeyEmulator): Record<string, string> {
  return presetEnv('surveymonkey', CLIENT_ID, CLIENT_SECRET, {
    SURVEYMONKEY_AUTHORIZE_URL: `${surveymonkey.origin}/oauth/authorize`,
    SURVEYMONKEY_ACCESS_TOKEN_URL: `${surveymonkey.origin}/oauth/token`,
    SURVEYMONKEY_API_BASE_URL: surveymonkey.origin,
  });
}

const SURVEYMONKEY: StandardProvider<SurveyMonkeyUser, SurveyMonkeyEmulator> = {
  preset: 'surveymonkey',
  displayName: 'SurveyMonkey',
  startEmulator: () => startSurveyMonkeyEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: surveymonkeyEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.id,
};

const surveys = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/surveymonkey/proxy/v3/surveys`);

describeEachDialect('SurveyMonkey, against an emulator of SurveyMonkey', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SURVEYMONKEY);

  const signIn = (user: SurveyMonkeyUser) => signInAs(context, 'surveymonkey', user);

  it("signs in as the id of {access_url}/v3/users/me with its names, username and e-mail verified as SurveyMonkey says; no scope asked, the client in the form, a token that never expires and no refresh token, the account's access URL kept as its API origin", async () => {
    const { database, emulator: surveymonkey, app } = context;
    const { userId, request } = await signIn(person(101, 'Ada Lovelace'));
    expect(request.has('scope')).toBe(false);
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toEqual(expect.any(String));
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('149000101');
    expect(JSON.parse(account.claims)).toMatchObject({ id: '149000101', username: 'ada101' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name', 'username']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(true);
    const row = await database.db.selectFrom('tokens').select(['api_base_url', 'scope']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(row.api_base_url).toBe(surveymonkey.origin);
    const token = await app.runtime.tokenStore.findToken(userId, 'surveymonkey');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, tokenType: 'bearer' });
    const exchange = surveymonkey.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(exchange.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it('an e-mail SurveyMonkey says is not verified is stored as unverified', async () => {
    const { database } = context;
    const { userId } = await signIn(person(102, 'Grace Hopper', false));
    const user = await database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user.email).toBe('grace@example.com');
    expect(Boolean(user.email_verified)).toBe(false);
  });

  it('the proxy calls API v3 at the access URL with the token as Bearer; 20 concurrent calls ask SurveyMonkey for no token, as there is nothing to refresh', async () => {
    const { emulator: surveymonkey, app } = context;
    const { browser, userId } = await signIn(person(103, 'Alan Turing'));
    const tokenRequests = surveymonkey.server.counts.token_request ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => surveys(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ data: [{ id: '118965', title: 'Customer feedback' }], total: 1 });
    const stored = await app.runtime.tokenStore.findToken(userId, 'surveymonkey');
    expect(surveymonkey.server.requests.filter((r) => r.path === '/v3/surveys').at(-1)!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
    expect(surveymonkey.server.counts.token_request ?? 0).toBe(tokenRequests);
  });

  it('an access_url outside surveymonkey.com and the configured API host is refused: 502, no token sent there, nothing stored', async () => {
    const { database, emulator: surveymonkey, app } = context;
    const users = await countRows(database, 'users');
    const profiles = surveymonkey.server.counts.me ?? 0;
    surveymonkey.setAccessUrl('https://api.surveymonkey.example.net');
    try {
      surveymonkey.signInAs(person(104, 'Eve Mallory'));
      const page = await signInThrough(app.browser(), 'surveymonkey');
      expect(page.status).toBe(502);
      expect(page.text).toContain('named an API origin (access_url) outside its own domains');
    } finally {
      surveymonkey.setAccessUrl(surveymonkey.origin);
    }
    expect(surveymonkey.server.counts.me ?? 0).toBe(profiles);
    expect(await countRows(database, 'users')).toBe(users);
  });

  it("the app removed under the person's Linked Accounts (401, error 1013) marks the connection 'needs re-auth', with no token request", async () => {
    const { emulator: surveymonkey } = context;
    const leaving = person(105, 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    expect((await surveys(browser)).status).toBe(200);
    surveymonkey.removeApp(leaving);
    await expectNeedsReauthWithoutTokenRequest(context, 'surveymonkey', userId, () => surveys(browser));
  });

  it('disconnect deletes the token here and asks SurveyMonkey nothing: it has no revocation endpoint', async () => {
    const { browser, userId } = await signIn(person(106, 'Goodbye Person'));
    await expectDisconnectAsksNothing(context, 'surveymonkey', { browser, userId });
  });

  standardCases(() => context, SURVEYMONKEY, { cancelled: { sentAs: 'access_denied, "Resource owner canceled the request"' }, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('SurveyMonkey, an app without the View Users scope', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), {
    startEmulator: () => startSurveyMonkeyEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, appScopes: ['surveys_read'] }),
    env: surveymonkeyEnv,
  });

  it('cannot say who signed in (403, error 1014, at /v3/users/me): the sign-in fails and nothing is stored', async () => {
    const { database, emulator: surveymonkey, app } = context;
    surveymonkey.signInAs(person(120, 'No Profile'));
    const page = await signInThrough(app.browser(), 'surveymonkey');
    expect(page.status).toBe(502);
    expect(surveymonkey.server.counts.me).toBe(1);
    expect(await countRows(database, 'users')).toBe(0);
    expect(await countRows(database, 'tokens')).toBe(0);
  });
});

describeClientFailures(SURVEYMONKEY, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

it('in production the preset calls SurveyMonkey itself, and an access_url may name only surveymonkey.com', () => {
  const settings = presetInProduction('surveymonkey', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).settings({});
  expect(settings.endpoints).toMatchObject({ authorizationEndpoint: 'https://api.surveymonkey.com/oauth/authorize', tokenEndpoint: 'https://api.surveymonkey.com/oauth/token' });
  expect(settings.connectionApiBase).toEqual({ member: 'access_url', domains: ['surveymonkey.com'], userinfoPath: '/v3/users/me' });
});
