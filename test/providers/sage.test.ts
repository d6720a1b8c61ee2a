import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs } from './kit/provider-app.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSageEmulator, type SageEmulator, type SageUser } from './sage.emulator.js';

const CLIENT_ID = '4b6a1f0e2c3d4e5f6a7b8c9d0e1f2a710';
const CLIENT_SECRET = 'iNu/3k+Qz9=wLp2&Xr7tm9';
const REDIRECT_URI = `${APP_ORIGIN}/auth/sage/callback`;

/** A user with one business (their lead one), or the businesses given, the lead first. */
function user(id: string, firstName: string, lastName: string, businesses?: SageUser['businesses']): SageUser {
  return {
    id,
    firstName,
    lastName,
    email: `${firstName.toLowerCase()}@example.com`,
    businesses: businesses ?? [{ id: `${id.replaceAll('-', '').slice(0, 24)}b0000001`, name: `${lastName} Ltd` }],
  };
}

/** Only the documented variables: the preset, the client, and each endpoint pointed at the emulator (the user endpoint moves with the API base). */
function sageEnv(emulator: SageEmulator): Record<string, string> {
  return presetEnv('sage', CLIENT_ID, CLIENT_SECRET, {
    SAGE_AUTHORIZE_URL: `${emulator.origin}/oauth2/auth/central?filter=apiv3.1`,
    SAGE_ACCESS_TOKEN_URL: `${emulator.origin}/token`,
    SAGE_REVOCATION_URL: `${emulator.origin}/revoke`,
    SAGE_API_BASE_URL: `${emulator.origin}/v3.1`,
  });
}

/** A refresh at Sage itself, as another copy of the token would make it. */
function refreshThere(emulator: SageEmulator, refreshToken: string): Promise<Response> {
  return fetch(`${emulator.origin}/token`, {
    method: 'POST',
    headers: { accept: 'application/json' },
    body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

const SAGE: StandardProvider<SageUser, SageEmulator> = {
  preset: 'sage',
  displayName: 'Sage Accounting',
  startEmulator: () => startSageEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: sageEnv,
  people: {
    cancelled: user('0b1e5c1a-0000-4000-8000-000000000108', 'Changed', 'Mind'),
    'refused-code': user('0b1e5c1a-0000-4000-8000-000000000109', 'Refused', 'Code'),
    'wrong-secret': user('0b1e5c1a-0000-4000-8000-000000000301', 'Wrong', 'Secret'),
    'exchange-failure': user('0b1e5c1a-0000-4000-8000-000000000302', 'Outage', 'Person'),
  },
  subjectOf: (person) => person.id,
};

describeEachDialect('Sage Accounting, against an emulator of Sage', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SAGE);

  const signIn = (person: SageUser) => signInAs(context, 'sage', person);
  const contacts = (browser: TestBrowser, business?: string) =>
    browser.request(`${APP_ORIGIN}/api/providers/sage/proxy/contacts`, business ? { headers: { 'x-business': business } } : {});

  it('signs in as the id of /user, named by its first and last name, its e-mail unverified, the businesses of /businesses kept; filter=apiv3.1, full_access, state and PKCE S256 sent, the client in the form, 5-minute tokens and a 31-day refresh token', async () => {
    const { database, emulator, app } = context;
    const person = user('c3c32d1c-41ba-483f-a3ff-49fdb57b9c38', 'Jane', 'Smith', [
      { id: '0d40342d0287cd6b13555c54afca6c90', name: 'Business One' },
      { id: '7a1e0c7f0b2c4d1e9f3a5b6c7d8e9f00', name: 'Business Two' },
    ]);
    const { userId, request } = await signIn(person);
    expect(request.get('filter')).toBe('apiv3.1');
    expect(request.get('scope')).toBe('full_access');
    expect(request.get('state')).toEqual(expect.any(String));
    expect(request.get('code_challenge_method')).toBe('S256');
    const stored = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(stored.subject).toBe('c3c32d1c-41ba-483f-a3ff-49fdb57b9c38');
    expect(JSON.parse(stored.claims)).toMatchObject({
      name: 'Jane Smith',
      sage_businesses: [
        { id: '0d40342d0287cd6b13555c54afca6c90', name: 'Business One' },
        { id: '7a1e0c7f0b2c4d1e9f3a5b6c7d8e9f00', name: 'Business Two' },
      ],
    });
    const row = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(row).toEqual({ email: 'jane@example.com', email_verified: null, name: 'Jane Smith' });
    const token = await app.runtime.tokenStore.findToken(userId, 'sage');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'full_access' });
    expectAccessTokenLifetime(token, 200, 300);
    const exchange = emulator.server.requests.find((r) => r.path === '/token')!;
    expect(exchange.headers.authorization).toBeUndefined();
  });

  it('an accountant with 230 businesses: every one is kept, read 200 a page as Sage pages its collections', async () => {
    const { database, emulator } = context;
    const many = Array.from({ length: 230 }, (_, n) => ({ id: `${String(n).padStart(8, '0')}0287cd6b13555c54afca6c90`, name: `Client ${n}` }));
    const before = emulator.server.counts.businesses ?? 0;
    const { userId } = await signIn(user('9d3f1e2a-5b6c-4d7e-8f90-a1b2c3d4e5f6', 'Ann', 'Accountant', many));
    const stored = await database.db.selectFrom('accounts').select('claims').where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(JSON.parse(stored.claims).sage_businesses).toEqual(many);
    expect((emulator.server.counts.businesses ?? 0) - before).toBe(2);
  });

  it('the proxy passes X-Business on: the business named answers, the lead business without it, and one the user may not use is refused', async () => {
    const { emulator } = context;
    const { browser } = await signIn(
      user('5b0a3d2e-7c41-4f0e-9d1a-2e3f4a5b6c7d', 'Multi', 'Owner', [
        { id: 'aa00000000000000000000000000lead', name: 'Lead Books' },
        { id: 'bb0000000000000000000000000other', name: 'Other Books' },
      ]),
    );
    const other = await contacts(browser, 'bb0000000000000000000000000other');
    expect(other.status).toBe(200);
    expect(JSON.parse(other.text)).toMatchObject({ $items: [{ displayed_as: 'Other Books customer' }] });
    expect(emulator.server.requests.filter((r) => r.path === '/v3.1/contacts').at(-1)!.headers['x-business']).toBe('bb0000000000000000000000000other');
    const lead = await contacts(browser);
    expect(JSON.parse(lead.text)).toMatchObject({ $items: [{ displayed_as: 'Lead Books customer' }] });
    const refused = await contacts(browser, 'cc0000000000000000000000000never');
    expect(refused.status).toBe(403);
  });

  it('20 concurrent calls on an expired token make one refresh; the rotated refresh token is kept, with its 31 days, and the old one is refused', async () => {
    const { emulator } = context;
    const { browser, userId } = await signIn(user('6c1b4e3f-8d52-4a1f-ae2b-3f4a5b6c7d8e', 'Storm', 'Person'));
    const { before, after, answers } = await expectRotatedAfterStorm(context, 'sage', userId, () => contacts(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ $total: 1, $items: [{ displayed_as: 'Person Ltd customer' }] });
    expect(after.scope).toBe('full_access');
    expect(await statusAndBody(refreshThere(emulator, before.refreshToken!))).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("a refresh token Sage refuses (invalid_grant) marks the connection 'needs re-auth', with one attempt", async () => {
    const { database, emulator, app } = context;
    const { browser, userId } = await signIn(user('7d2c5f40-9e63-4b20-bf3c-4a5b6c7d8e9f', 'Refused', 'Refresh'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'sage');
    // Rotated behind the app's back (another copy of the token used it): Sage no longer takes the stored one.
    expect((await refreshThere(emulator, stored!.refreshToken!)).status).toBe(200);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh({ app, emulator }, 'sage', userId, () => contacts(browser));
  });

  it('disconnect revokes the refresh token at /revoke, the client in the form: it is refused afterwards, while the access token works out its five minutes, as Sage documents', async () => {
    const { emulator } = context;
    const { browser, userId } = await signIn(user('8e3d6051-af74-4c31-80d4-5b6c7d8e9fa0', 'Leaving', 'Person'));
    const stored = await expectDisconnectRevokes(context, 'sage', { browser, userId }, { requests: 1 });
    expect(emulator.revoked.at(-1)).toBe(stored.refreshToken);
    expect(emulator.server.requests.filter((r) => r.path === '/revoke').at(-1)!.headers.authorization).toBeUndefined();
    expect((await refreshThere(emulator, stored.refreshToken!)).status).toBe(400);
    expect(emulator.accepts(stored.accessToken)).toBe(true);
  });

  standardCases(() => context, SAGE, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(SAGE, {
  title: 'Sage refresh tokens (31 days, refresh_token_expires_in) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 31, and the connection outlives that refresh token',
  startEmulator: (now) => startSageEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: user('9f4e7162-b085-4d42-91e5-6c7d8e9fa0b1', 'Idle', 'Person'),
  dueAfterDays: 24,
  // Past the first refresh token's 31 days, the connection works: the rotated one refreshes its access token.
  usedAgainAfterDays: 10,
});

describeClientFailures(SAGE, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
