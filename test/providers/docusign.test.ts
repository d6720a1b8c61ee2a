import { expect, it } from 'vitest';
import { describeEachDialect } from '../support/postgres.js';
import { startDocusignEmulator, type DocusignEmulator, type DocusignUser } from './docusign.emulator.js';
import { expectOneRefreshFor20Calls } from './kit/concurrent-calls.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, presetEnv, signInAs, signInThrough } from './kit/provider-app.js';
import { describeKeepAlive } from './kit/keep-alive-case.js';
import { describeClientFailures, expectAccessTokenLifetime, expireAccessTokens, rowCounts, standardCases, standardPeople, useProviderTest, type StandardProvider } from './kit/standard-cases.js';

// An integration key and secret key as DocuSign issues them (GUIDs), sent as they are in the Basic header.
const CLIENT_ID = '7c2b8d7e-3f41-4a9b-8e6d-cda8a50dd73f';
const CLIENT_SECRET = 'd7014634-9b2e-4c1f-a8d5-6842b7aa8861';
const REDIRECT_URI = `${APP_ORIGIN}/auth/docusign/callback`;
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function person(n: number, name: string): DocusignUser {
  const [givenName, familyName] = name.split(' ') as [string, string];
  const hex = n.toString(16).padStart(12, '0');
  return { sub: `4799e5e9-1559-4915-9862-${hex}`, givenName, familyName, email: `${givenName.toLowerCase()}@acme.test`, accountId: `a4ec37d6-04b4-4b1e-a6d4-${hex}`, accountName: `${familyName} LLC` };
}

/** Only the documented variables: the preset, the client, the account server (as for the developer environment), and the API origin (the host a base_uri may name). */
function docusignEnv(docusign: DocusignEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return presetEnv('docusign', CLIENT_ID, CLIENT_SECRET, {
    DOCUSIGN_BASE_URL: docusign.origin,
    DOCUSIGN_API_BASE_URL: docusign.origin,
    ...extra,
  });
}

const accountBase = (docusign: DocusignEmulator, user: DocusignUser) => `${docusign.origin}/restapi/v2.1/accounts/${user.accountId}`;

const DOCUSIGN: StandardProvider<DocusignUser, DocusignEmulator> = {
  preset: 'docusign',
  displayName: 'DocuSign',
  startEmulator: () => startDocusignEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: docusignEnv,
  people: standardPeople(person),
  subjectOf: (user) => user.sub,
};

describeEachDialect('DocuSign, against an emulator of DocuSign', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: DOCUSIGN.startEmulator, env: docusignEnv });

  const signIn = (user: DocusignUser) => signInAs(context, 'docusign', user);

  it('signs in as the userinfo sub, keeps the default account’s eSignature API ({base_uri}/restapi/v2.1/accounts/{account_id}) as the connection’s base; signature and extended scopes, PKCE, Basic credentials as they are, 8-hour tokens', async () => {
    const { database, emulator: docusign, app } = context;
    const ada = person(101, 'Ada Lovelace');
    const { userId, request } = await signIn(ada);
    expect(request.get('scope')).toBe('signature extended');
    expect(request.get('code_challenge_method')).toBe('S256');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe(ada.sub);
    expect(JSON.parse(account.claims)).toMatchObject({ account_id: ada.accountId, account_name: 'Lovelace LLC', base_uri: docusign.origin });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: 'ada@acme.test', email_verified: null, name: 'Ada Lovelace' });
    const token = await app.runtime.tokenStore.findToken(userId, 'docusign');
    expect(token).toMatchObject({ apiBaseUrl: accountBase(docusign, ada), refreshToken: expect.any(String), scope: 'signature extended' });
    expectAccessTokenLifetime(token, 28_700, 28_800);
    expect(docusign.server.requests.find((r) => r.path === '/oauth/token')!.headers.authorization).toBe(basic);
    expect(docusign.server.requests.filter((r) => r.path === '/oauth/userinfo').at(-1)!.headers.authorization).toBe(`Bearer ${token!.accessToken}`);
  });

  it('the proxy calls the default account’s API; 20 concurrent calls on an expired token make one refresh, whose new refresh token is kept with the API base', async () => {
    const { database, emulator: docusign, app } = context;
    const grace = person(102, 'Grace Hopper');
    const { browser, userId } = await signIn(grace);
    const first = await browser.get(`${APP_ORIGIN}/api/providers/docusign/proxy/envelopes?from_date=2026-01-01`);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ envelopes: [{ emailSubject: 'Please sign: Hopper LLC NDA' }] });
    expect(docusign.server.requests.filter((r) => r.path.startsWith('/restapi/')).at(-1)!.path).toBe(`/restapi/v2.1/accounts/${grace.accountId}/envelopes?from_date=2026-01-01`);

    const before = await app.runtime.tokenStore.findToken(userId, 'docusign');
    await expireAccessTokens(database, userId);
    const answers = await expectOneRefreshFor20Calls(docusign, () => browser.get(`${APP_ORIGIN}/api/providers/docusign/proxy/brands`));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ brands: [{ brandName: 'Hopper LLC' }] });
    expect(docusign.server.requests.filter((r) => r.path === '/oauth/token').at(-1)!.headers.authorization).toBe(basic);
    const after = await app.runtime.tokenStore.findToken(userId, 'docusign');
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(after!.apiBaseUrl).toBe(accountBase(docusign, grace));
  });

  it.each([
    ['a host off docusign.net', 'https://collector.example.net'],
    ['a look-alike host', 'https://na3.docusign.net.collector.example.net'],
    ['docusign.net as a user name before another host', 'https://na3.docusign.net@collector.example.net'],
  ])('a default account whose base_uri is %s fails the sign-in: 502, no API call, nothing stored', async (_name, baseUri) => {
    const { database, emulator: docusign, app } = context;
    const before = await rowCounts(database);
    const calls = docusign.server.requests.filter((r) => r.path.startsWith('/restapi/')).length;
    docusign.setDefaultBaseUri(baseUri);
    try {
      docusign.signInAs(person(103, 'Eve Mallory'));
      const page = await signInThrough(app.browser(), 'docusign');
      expect(page.status).toBe(502);
      expect(page.text).toContain('DocuSign named an API origin (api_base) outside its own domains');
    } finally {
      docusign.setDefaultBaseUri(docusign.origin);
    }
    expect(await rowCounts(database)).toEqual(before);
    expect(docusign.server.requests.filter((r) => r.path.startsWith('/restapi/')).length).toBe(calls);
  });

  it("an app revoked at DocuSign (Connected Apps) marks the connection 'needs re-auth' after one refresh DocuSign refuses", async () => {
    const { database, emulator: docusign, app } = context;
    const { browser, userId } = await signIn(person(104, 'Barbara Liskov'));
    docusign.revokeApp((await app.runtime.tokenStore.findToken(userId, 'docusign'))!.refreshToken!);
    await expireAccessTokens(database, userId);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'docusign', userId, () => browser.get(`${APP_ORIGIN}/api/providers/docusign/proxy/envelopes`));
  });

  it('disconnect deletes the tokens; DocuSign has no revocation endpoint, and the answer says it was not revoked there', async () => {
    const { browser, userId } = await signIn(person(105, 'Leaving Person'));
    await expectDisconnectAsksNothing(context, 'docusign', { browser, userId });
  });

  standardCases(() => context, DOCUSIGN, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeKeepAlive(DOCUSIGN, {
  title: 'DocuSign refresh tokens (30 days each) and the keep-alive sweep',
  name: 'refreshes an unused connection once in the last 7 days of its refresh token’s 30, and the new refresh token has 30 days again',
  startEmulator: (now) => startDocusignEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, now }),
  person: person(201, 'Idle Person'),
  dueAfterDays: 23,
  // 50 days after sign-in, 27 after the last refresh: the refresh token it answered still works.
  usedAgainAfterDays: 27,
});

describeClientFailures(DOCUSIGN, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
