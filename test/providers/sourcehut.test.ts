import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, csrfTokenOf, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSourceHutEmulator, type SourceHutEmulator, type SourceHutUser } from './sourcehut.emulator.js';

// A client id (a UUID) and secret, as meta.sr.ht's client registration shows them.
const CLIENT_ID = '8a3f1c52-6d0e-4b7a-9e21-53c7d4f0b6a9';
const CLIENT_SECRET = 'Qm9xV3l2c1RnN2JkS2ZwWTJoTnVMcjRjRzhaYTFlUXk';
const REDIRECT_URI = `${APP_ORIGIN}/auth/sourcehut/callback`;
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

/** The id and secret of a Basic header, each percent-decoded as RFC 6749 §2.3.1 (and meta.sr.ht) reads them. */
function basicCredentials(header: string | undefined): string | undefined {
  const encoded = /^Basic (.+)$/.exec(header ?? '')?.[1];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8').split(':').map(decodeURIComponent).join(':');
}

function person(id: number, name: string): SourceHutUser {
  const username = name.toLowerCase().replace(/\s/g, '');
  return { id: 20_000 + id, username, email: `${username}@example.com` };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the profile moves with the API base). */
function sourcehutEnv(sourcehut: SourceHutEmulator): Record<string, string> {
  return presetEnv('sourcehut', CLIENT_ID, CLIENT_SECRET, {
    SOURCEHUT_AUTHORIZE_URL: `${sourcehut.origin}/oauth2/authorize`,
    SOURCEHUT_ACCESS_TOKEN_URL: `${sourcehut.origin}/oauth2/access-token`,
    SOURCEHUT_API_BASE_URL: sourcehut.origin,
  });
}

const SOURCEHUT: StandardProvider<SourceHutUser, SourceHutEmulator> = {
  preset: 'sourcehut',
  displayName: 'SourceHut',
  startEmulator: () => startSourceHutEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: sourcehutEnv,
  people: standardPeople(person),
  subjectOf: (user) => String(user.id),
};

const graphql = async (browser: TestBrowser, query = '{ version { major minor patch } }') =>
  browser.request(`${APP_ORIGIN}/api/providers/sourcehut/proxy/query`, { method: 'POST', headers: { 'x-csrf-token': await csrfTokenOf(browser) }, json: { query } });

describeEachDialect('SourceHut, against an emulator of meta.sr.ht and its GraphQL API', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SOURCEHUT);

  const signIn = (user: SourceHutUser) => signInAs(context, 'sourcehut', user);

  it('signs in as the id of the GraphQL `me` (not the username), named by the username, its e-mail kept with its verification unknown; meta.sr.ht/PROFILE:RO asked with a state and no PKCE, the code exchanged with the client as Basic and the bare form content type, a token kept without an expiry or a refresh token', async () => {
    const { database, emulator: sourcehut, app } = context;
    const ada = person(101, 'Ada');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('meta.sr.ht/PROFILE:RO');
    expect(request.get('response_type')).toBe('code');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.has('code_challenge')).toBe(false);
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('20101');
    expect(JSON.parse(account.claims)).toEqual({ id: 20_101, name: 'ada', preferred_username: 'ada', email: 'ada@example.com', location: 'Ghent' });
    const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ name: 'ada', email: 'ada@example.com' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'sourcehut');
    expect(token).toMatchObject({ refreshToken: null, expiresAt: null, tokenType: 'bearer', scope: 'meta.sr.ht/PROFILE:RO' });
    const exchange = sourcehut.server.requests.findLast((r) => r.path === '/oauth2/access-token')!;
    expect(basicCredentials(exchange.headers.authorization)).toBe(`${CLIENT_ID}:${CLIENT_SECRET}`);
    expect(exchange.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const profile = sourcehut.server.requests.findLast((r) => r.path === '/query')!;
    expect(profile.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('signing in again after a change of username finds the same person by the id', async () => {
    const { database } = context;
    const first = await signIn(person(105, 'Old Name'));
    const second = await signIn(person(105, 'New Name'));
    expect(second.userId).toBe(first.userId);
    expect(await database.db.selectFrom('users').select('name').where('id', '=', first.userId).executeTakeFirstOrThrow()).toEqual({ name: 'newname' });
  });

  it('the proxy posts GraphQL queries to /query with the token as Bearer, and passes a query error back as it came', async () => {
    const { emulator: sourcehut, app } = context;
    const { browser, userId } = await signIn(person(102, 'Alan'));
    const answer = await graphql(browser);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ data: { version: { major: 0, minor: 48, patch: 2 } } });
    const stored = await app.runtime.tokenStore.findToken(userId, 'sourcehut');
    expect(sourcehut.server.requests.findLast((r) => r.path === '/query')!.headers.authorization).toBe(`Bearer ${stored!.accessToken}`);
    const broken = await graphql(browser, '{');
    expect(broken.status).toBe(422);
    expect(JSON.parse(broken.text)).toMatchObject({ errors: [{ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
  });

  it('a token that has ended here: 20 concurrent calls answer needs_reauth without asking SourceHut anything (it has no refresh), and the connection is marked', async () => {
    const { database, emulator: sourcehut, app } = context;
    const { browser, userId } = await signIn(person(103, 'Edsger'));
    await expireAccessTokens(database, userId);
    const tokenRequests = sourcehut.server.counts.token_request ?? 0;
    const calls = sourcehut.server.counts.graphql ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => graphql(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(401));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ error: 'needs_reauth' });
    expect(sourcehut.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect(sourcehut.server.counts.graphql ?? 0).toBe(calls);
    expect((await app.runtime.tokenStore.findToken(userId, 'sourcehut'))!.status).toBe('needs_reauth');
  });

  it("the client's access revoked on meta.sr.ht: its 403 for the token is read as the token refused, the connection needs re-auth, and no refresh is tried", async () => {
    const { emulator: sourcehut, app } = context;
    const leaving = person(104, 'Barbara');
    const { browser, userId } = await signIn(leaving);
    sourcehut.revokeApp(leaving);
    const tokenRequests = sourcehut.server.counts.token_request ?? 0;
    const call = await graphql(browser);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(sourcehut.server.counts.token_request ?? 0).toBe(tokenRequests);
    expect((await app.runtime.tokenStore.findToken(userId, 'sourcehut'))!.status).toBe('needs_reauth');
  });

  it('SourceHut takes no refresh grant, and the token endpoint only its bare form content type: what the preset is held to', async () => {
    const { emulator: sourcehut } = context;
    const post = (contentType: string, form: Record<string, string>) =>
      statusAndBody(fetch(`${sourcehut.origin}/oauth2/access-token`, { method: 'POST', headers: { authorization: BASIC, 'content-type': contentType }, body: new URLSearchParams(form).toString() }));
    expect(await post('application/x-www-form-urlencoded', { grant_type: 'refresh_token', refresh_token: 'anything' })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(await post('application/x-www-form-urlencoded;charset=UTF-8', { grant_type: 'authorization_code', code: '0123456789abcdef' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded' },
    });
  });

  it('disconnect deletes the token here and asks SourceHut nothing: it has no revocation endpoint', async () => {
    const { browser, userId } = await signIn(person(106, 'Goodbye'));
    await expectDisconnectAsksNothing(context, 'sourcehut', { browser, userId });
  });

  standardCases(() => context, SOURCEHUT, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(
  SOURCEHUT,
  { exchangeFailure: {} },
  {
    more: (context) => {
      it('a wrong client secret is refused as a spent code is (400 invalid_grant), so the page says SourceHut did not accept the sign-in, and nothing is stored', async () => {
        const { database, emulator: sourcehut, misconfigured } = context;
        const before = await rowCounts(database);
        sourcehut.signInAs(person(301, 'Wrong Secret'));
        const page = await signInThrough(misconfigured!.browser(), 'sourcehut');
        expect(page.status).toBe(400);
        expect(page.text).toContain('SourceHut did not accept this sign-in');
        expect(basicCredentials(sourcehut.server.requests.findLast((r) => r.path === '/oauth2/access-token')!.headers.authorization)).toBe(`${CLIENT_ID}:not-the-secret`);
        expect(await rowCounts(database)).toEqual(before);
      });
    },
  },
);

describe('SourceHut in production', () => {
  const { settings } = presetInProduction('sourcehut', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it("signs in at meta.sr.ht, reads `me` from its /query, and sends the token to the other sr.ht services' APIs", () => {
    expect(settings({})).toMatchObject({
      displayName: 'SourceHut',
      endpoints: { authorizationEndpoint: 'https://meta.sr.ht/oauth2/authorize', tokenEndpoint: 'https://meta.sr.ht/oauth2/access-token', userinfoEndpoint: 'https://meta.sr.ht/query' },
      apiBaseUrl: 'https://meta.sr.ht',
      extraApiBaseUrls: ['https://*.sr.ht'],
      scope: 'meta.sr.ht/PROFILE:RO',
    });
  });
});
