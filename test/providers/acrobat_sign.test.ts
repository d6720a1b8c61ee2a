import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { startAcrobatSignEmulator, type AcrobatSignEmulator, type AcrobatSignUser } from './acrobat_sign.emulator.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { presetInProduction } from './kit/preset-in-production.js';
import { APP_ORIGIN, disconnectThrough, signInAs, signInThrough } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectKeptAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, standardPeopleByNameParts, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An application id and secret of the forms Acrobat Sign shows.
const CLIENT_ID = 'CBJCHBCAABAAo3Y5mJ7ab_9Gk1H4XqW2zT8vN6pL0sRe';
const CLIENT_SECRET = 'Xq7vR2mK9pL4sT8wN1bZ6cF3hJ5dG0aY';
const REDIRECT_URI = `${APP_ORIGIN}/auth/acrobat_sign/callback`;

function person(n: number, firstName: string, lastName: string, shard?: string): AcrobatSignUser {
  return { id: `CBJCHBCAABAA${String(n).padStart(8, '0')}UserId`, firstName, lastName, email: `${firstName.toLowerCase()}@example.com`, ...(shard ? { shard } : {}) };
}

/**
 * Only the documented variables: the preset, the client, the scopes, and NA1's endpoints pointed at the first
 * shard (the authorization page there too), /users/me moving with the API base; the other shard as a regional server.
 */
function acrobatSignEnv(na1: AcrobatSignEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'acrobat_sign',
    ACROBAT_SIGN_PRESET: 'acrobat_sign',
    ACROBAT_SIGN_CLIENT_ID: CLIENT_ID,
    ACROBAT_SIGN_CLIENT_SECRET: CLIENT_SECRET,
    ACROBAT_SIGN_SCOPE: 'user_read:self agreement_read:self',
    ACROBAT_SIGN_AUTHORIZE_URL: `${na1.origin}/public/oauth/v2`,
    ACROBAT_SIGN_ACCESS_TOKEN_URL: `${na1.origin}/oauth/v2/token`,
    ACROBAT_SIGN_REFRESH_URL: `${na1.origin}/oauth/v2/refresh`,
    ACROBAT_SIGN_REVOCATION_URL: `${na1.origin}/oauth/v2/revoke`,
    ACROBAT_SIGN_API_BASE_URL: `${na1.origin}/api/rest/v6`,
    ...(na1.otherShards.length > 0 ? { ACROBAT_SIGN_REGIONAL_SERVERS: na1.otherShards.map((shard) => shard.origin).join(',') } : {}),
  };
}

const client = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI };

/** NA1, where sign-ins start, and EU1 beside it: the same application at both. */
async function startShards(): Promise<AcrobatSignEmulator> {
  const eu1 = await startAcrobatSignEmulator(client);
  return startAcrobatSignEmulator({ ...client, otherShards: [eu1] });
}

/** A refresh at a shard itself, as another copy of the token would make it, the client in the form. */
function refreshAtShard(shard: AcrobatSignEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${shard.origin}/oauth/v2/refresh`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const ACROBAT_SIGN: StandardProvider<AcrobatSignUser, AcrobatSignEmulator> = {
  preset: 'acrobat_sign',
  displayName: 'Acrobat Sign',
  startEmulator: startShards,
  env: acrobatSignEnv,
  people: standardPeopleByNameParts((id, firstName, lastName) => person(id, firstName, lastName)),
  subjectOf: (user) => user.id,
};

const agreements = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/acrobat_sign/proxy/agreements`);

/** The counters of the steps a connection makes at a shard, to show another shard saw none of them. */
const STEPS = ['token_request', 'refresh_request', 'users_me', 'agreements', 'revoke'] as const;
const stepCounts = (shard: AcrobatSignEmulator) => Object.fromEntries(STEPS.map((step) => [step, shard.server.counts[step] ?? 0]));

describeEachDialect('Acrobat Sign, against emulators of two Acrobat Sign shards', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), ACROBAT_SIGN);
  const signIn = (user: AcrobatSignUser) => signInAs(context, 'acrobat_sign', user);

  it('signs in as the id of /api/rest/v6/users/me with the first and last names and the e-mail (verification unknown); the scopes space-separated, the client in the form, 1-hour tokens and a refresh token; the connection’s API is the configured one', async () => {
    const { database, emulator: na1, app } = context;
    const ada = person(1, 'Ada', 'Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('user_read:self agreement_read:self');
    expect(request.get('response_type')).toBe('code');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.id);
    expect(JSON.parse(account.claims)).toMatchObject({ id: ada.id, name: 'Ada Lovelace', email: 'ada@example.com' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'acrobat_sign');
    expect(token).toMatchObject({ refreshToken: expect.any(String), authorizationServerUrl: null, apiBaseUrl: null });
    expectAccessTokenLifetime(token, 3500, 3600);
    const exchange = na1.server.requests.find((r) => r.path === '/oauth/v2/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
    expect(na1.server.counts.users_me).toBeGreaterThan(0);
  });

  it('the proxy calls the REST API; 20 concurrent calls on an expired token make one refresh, at /oauth/v2/refresh (never the token endpoint), and the refresh token is kept', async () => {
    const { emulator: na1 } = context;
    const { browser, userId } = await signIn(person(2, 'Storm', 'Person'));
    expect(JSON.parse((await agreements(browser)).text)).toMatchObject({ userAgreementList: [{ name: "Storm's contract" }] });
    const before = stepCounts(na1);
    const { after, answers } = await expectKeptAfterStorm(context, 'acrobat_sign', userId, () => agreements(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ userAgreementList: [{ status: 'OUT_FOR_SIGNATURE' }] });
    expect(stepCounts(na1)).toMatchObject({ refresh_request: before.refresh_request! + 1, token_request: before.token_request });
    // The refresh token held still refreshes: Acrobat Sign does not rotate it.
    expect((await refreshAtShard(na1, after.refreshToken!)).status).toBe(200);
  });

  it("the access revoked at Acrobat Sign marks the connection 'needs re-auth' after the API's 401, with one refused refresh", async () => {
    const { emulator: na1 } = context;
    const leaving = person(3, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    na1.revokeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'acrobat_sign', userId, () => agreements(browser));
  });

  it('disconnect revokes the refresh token at /oauth/v2/revoke in one request, and both tokens end', async () => {
    const { emulator: na1 } = context;
    const { browser, userId } = await signIn(person(4, 'Goodbye', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'acrobat_sign', { browser, userId }, { requests: 1 });
    expect(na1.accepts(stored.accessToken)).toBe(false);
    expect(await statusAndBody(refreshAtShard(na1, stored.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("a person of another shard is signed in there: the code exchanged and /users/me read at the callback's api_access_point, the API called there, one refresh at its /oauth/v2/refresh for 20 calls on an expired token, and disconnect revoking there; NA1 never sees a token", async () => {
    const { database, emulator: na1, app } = context;
    const eu1 = na1.otherShards[0]!;
    const na1Before = stepCounts(na1);
    const eu1Before = { ...eu1.server.counts };
    const europe = person(5, 'Europa', 'Person', eu1.origin);
    const { browser, userId } = await signIn(europe);
    expect(eu1.server.counts.authorization_code).toBe((eu1Before.authorization_code ?? 0) + 1);
    expect(eu1.server.counts.users_me).toBe((eu1Before.users_me ?? 0) + 1);
    const account = await database.db.selectFrom('accounts').select('subject').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(europe.id);
    const stored = await app.runtime.tokenStore.findToken(userId, 'acrobat_sign');
    expect(stored).toMatchObject({ authorizationServerUrl: eu1.origin, apiBaseUrl: `${eu1.origin}/api/rest/v6`, refreshToken: expect.any(String) });

    const first = await agreements(browser);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ userAgreementList: [{ name: "Europa's contract" }] });
    await expireAccessTokens(database, userId);
    const answers = await Promise.all(Array.from({ length: 20 }, () => agreements(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(eu1.server.counts.refresh_token).toBe((eu1Before.refresh_token ?? 0) + 1);
    expect(eu1.server.counts.refresh_request).toBe((eu1Before.refresh_request ?? 0) + 1);
    const refreshed = await app.runtime.tokenStore.findToken(userId, 'acrobat_sign');
    expect(refreshed).toMatchObject({ authorizationServerUrl: eu1.origin, apiBaseUrl: `${eu1.origin}/api/rest/v6`, refreshToken: stored!.refreshToken });
    expect(eu1.accepts(refreshed!.accessToken)).toBe(true);

    expect(await disconnectThrough(browser, 'acrobat_sign')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(eu1.server.counts.revoke).toBe((eu1Before.revoke ?? 0) + 1);
    expect(eu1.accepts(refreshed!.accessToken)).toBe(false);
    expect(stepCounts(na1)).toEqual(na1Before);
  });

  it.each([
    ['a real shard not among ACROBAT_SIGN_REGIONAL_SERVERS', () => 'https://api.eu2.adobesign.com'],
    ['a host of its own', () => 'https://evil.example'],
    ['credentials before another host', (eu1: AcrobatSignEmulator) => `http://${new URL(eu1.origin).host}@evil.example`],
  ])('a callback whose api_access_point names %s is refused with a 400 that says so; no code is exchanged anywhere and nothing is stored', async (_name, shardOf) => {
    const { database, emulator: na1, app } = context;
    const eu1 = na1.otherShards[0]!;
    const before = await rowCounts(database);
    const requests = { na1: na1.server.requests.length, eu1: eu1.server.requests.length };
    const shard = shardOf(eu1);
    na1.signInAs(person(6, 'Elsewhere', 'Person', shard));
    const page = await signInThrough(app.browser(), 'acrobat_sign');
    expect(page.status).toBe(400);
    expect(page.text).toContain(`This Acrobat Sign account is served by Acrobat Sign&#39;s server ${shard}/, which this site does not sign in with (ACROBAT_SIGN_REGIONAL_SERVERS lists those it does), so it cannot be connected here.`);
    // The authorization request alone reached the emulators: no token request, at either shard.
    expect(na1.server.requests.slice(requests.na1).map((r) => r.path.split('?')[0])).toEqual(['/public/oauth/v2']);
    expect(eu1.server.requests.length).toBe(requests.eu1);
    expect(await rowCounts(database)).toEqual(before);
  });

  it("a person who declines comes back with Acrobat Sign's ACCESS_DENIED, in capitals: a cancelled sign-in, no code exchanged, nothing stored", async () => {
    const { database, emulator: na1, app } = context;
    const before = await rowCounts(database);
    const exchanges = na1.server.counts.authorization_code ?? 0;
    na1.signInAs(person(7, 'Changed', 'Mind'));
    na1.denyNextAuthorization();
    const page = await signInThrough(app.browser(), 'acrobat_sign');
    expect(page.status).toBe(400);
    expect(page.text).toContain('Sign-in with Acrobat Sign was cancelled or refused at Acrobat Sign.');
    expect(na1.server.counts.authorization_code ?? 0).toBe(exchanges);
    expect(await rowCounts(database)).toEqual(before);
  });

  standardCases(() => context, ACROBAT_SIGN, { refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(ACROBAT_SIGN, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });

describeKeepAlive(ACROBAT_SIGN, {
  title: 'Acrobat Sign refresh tokens (60 days unused) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its 60, at /oauth/v2/refresh, and the same refresh token then lives 60 days more',
  startEmulator: (now) => startAcrobatSignEmulator({ ...client, now }),
  person: person(201, 'Idle', 'Person'),
  dueAfterDays: 53,
  rotates: false,
  // 93 days after sign-in, but 40 after the sweep's refresh: the same refresh token still works.
  usedAgainAfterDays: 40,
});

it("in production, ACROBAT_SIGN_REGIONAL_SERVERS must be https origins; by default every shard's API host Adobe's pages name is listed", () => {
  const production = presetInProduction('acrobat_sign', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  expect(production.settings({}).regionalServers).toEqual([
    'https://api.na1.adobesign.com',
    'https://api.na2.adobesign.com',
    'https://api.na3.adobesign.com',
    'https://api.na4.adobesign.com',
    'https://api.eu1.adobesign.com',
    'https://api.jp1.adobesign.com',
    'https://api.au1.adobesign.com',
    'https://api.na1.echosign.com',
  ]);
  expect(production.settings({ ACROBAT_SIGN_REGIONAL_SERVERS: 'https://api.eu1.adobesign.com,https://api.eu2.adobesign.com' }).regionalServers).toEqual(['https://api.eu1.adobesign.com', 'https://api.eu2.adobesign.com']);
  expect(production.refusal({ ACROBAT_SIGN_REGIONAL_SERVERS: 'http://api.eu1.adobesign.com' })).toBe('Configuration error: ACROBAT_SIGN_REGIONAL_SERVERS has "http://api.eu1.adobesign.com": servers must use https in production');
});
