import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectAsksNothing } from './kit/disconnect-asks-nothing.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, signInAs } from './kit/provider-app.js';
import { refreshAtProvider } from './kit/refresh-at-provider.js';
import { expectRotatedAfterStorm, statusAndBody } from './kit/refreshed-tokens.js';
import { describeClientFailures, expireAccessTokens, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startTypeformEmulator, type TypeformEmulator, type TypeformUser } from './typeform.emulator.js';

// A client id and secret of the length Typeform's application settings show.
const CLIENT_ID = '8DAtABe5rFEnpJJw8Uco2e65ewrZq6kALSfCBe4N11LW';
const CLIENT_SECRET = '3b7Qk9sVx2LmPz8RtYc4Wn6HdJf1GaE5oUiKq0BvNs7T';
const REDIRECT_URI = `${APP_ORIGIN}/auth/typeform/callback`;

function person(userId: string, alias: string): TypeformUser {
  return { userId, alias, email: `${alias.split(' ')[0]!.toLowerCase()}@example.com` };
}

/** Only the documented variables: the preset, the client, the scope, and each endpoint pointed at the emulator (/me moves with the API base). */
function typeformEnv(typeform: TypeformEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'typeform',
    TYPEFORM_PRESET: 'typeform',
    TYPEFORM_CLIENT_ID: CLIENT_ID,
    TYPEFORM_CLIENT_SECRET: CLIENT_SECRET,
    TYPEFORM_SCOPE: 'accounts:read offline forms:read',
    TYPEFORM_AUTHORIZE_URL: `${typeform.origin}/oauth/authorize`,
    TYPEFORM_ACCESS_TOKEN_URL: `${typeform.origin}/oauth/token`,
    TYPEFORM_API_BASE_URL: typeform.origin,
  };
}

/** A refresh at Typeform itself, as another copy of the token would make it. */
function refreshAtTypeform(typeform: TypeformEmulator, refreshToken: string): Promise<Response> {
  return refreshAtProvider(`${typeform.origin}/oauth/token`, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, refreshToken, { by: 'form' });
}

const TYPEFORM: StandardProvider<TypeformUser, TypeformEmulator> = {
  preset: 'typeform',
  displayName: 'Typeform',
  startEmulator: () => startTypeformEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: typeformEnv,
  people: {
    cancelled: person('01TF0000000000000000000108', 'Changed Mind'),
    'refused-code': person('01TF0000000000000000000109', 'Refused Code'),
    'wrong-secret': person('01TF0000000000000000000301', 'Wrong Secret'),
    'exchange-failure': person('01TF0000000000000000000302', 'Outage Person'),
  },
  subjectOf: (user) => user.userId,
};

describeEachDialect('Typeform, against an emulator of Typeform', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), TYPEFORM);

  const signIn = (user: TypeformUser) => signInAs(context, 'typeform', user);
  const forms = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/typeform/proxy/forms`);

  it('signs in as the user_id of /me with its alias and e-mail (verification unknown); accounts:read and offline asked, the client in the form, a week-long token with a refresh token', async () => {
    const { database, emulator: typeform, app } = context;
    const { userId, request } = await signIn(person('01TF0000000000000000000101', 'Ada Lovelace'));
    expect(request.get('scope')).toBe('accounts:read offline forms:read');
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('01TF0000000000000000000101');
    expect(JSON.parse(account.claims)).toMatchObject({ language: 'en' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(Boolean(user.email_verified)).toBe(false);
    const token = await app.runtime.tokenStore.findToken(userId, 'typeform');
    expect(token).toMatchObject({ refreshToken: expect.any(String), scope: 'accounts:read offline forms:read' });
    const lifetime = token!.expiresAt! - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(7 * 86_400 - 100);
    expect(lifetime).toBeLessThanOrEqual(7 * 86_400);
    expect(typeform.server.requests.find((r) => r.path === '/oauth/token')!.headers.authorization).toBeUndefined();
  });

  it('the proxy calls the Create API; 20 concurrent calls on an expired token make one refresh, the new pair is kept, and Typeform takes the spent refresh token no more', async () => {
    const { emulator: typeform } = context;
    const { browser, userId } = await signIn(person('01TF0000000000000000000102', 'Alan Turing'));
    const { before, answers } = await expectRotatedAfterStorm(context, 'typeform', userId, () => forms(browser));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ items: [{ id: 'abc123' }] });
    expect(await statusAndBody(refreshAtTypeform(typeform, before.refreshToken!))).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it("the app removed from the person's Typeform account marks the connection 'needs re-auth' after one refresh Typeform refuses", async () => {
    const { emulator: typeform, app } = context;
    const leaving = person('01TF0000000000000000000103', 'Leaving Soon');
    const { browser, userId } = await signIn(leaving);
    typeform.removeApp(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'typeform', userId, () => forms(browser));
  });

  it('disconnect deletes the tokens here and says they were not revoked at Typeform, which has no endpoint for it: no request is sent', async () => {
    const { emulator: typeform, app } = context;
    const { browser, userId } = await signIn(person('01TF0000000000000000000104', 'Goodbye Person'));
    await expectDisconnectAsksNothing(context, 'typeform', { browser, userId });
  });

  standardCases(() => context, TYPEFORM, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeEachDialect('Typeform without the offline scope', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), { startEmulator: TYPEFORM.startEmulator, env: (typeform) => ({ ...typeformEnv(typeform), TYPEFORM_SCOPE: 'accounts:read forms:read' }) });

  it('keeps no refresh token; once the access token ends, the connection needs signing in again and Typeform is asked for no token', async () => {
    const { database, emulator: typeform, app } = context;
    const { browser, userId } = await signInAs(context, 'typeform', person('01TF0000000000000000000120', 'Short Lived'));
    expect(await app.runtime.tokenStore.findToken(userId, 'typeform')).toMatchObject({ refreshToken: null, scope: 'accounts:read forms:read' });
    expect((await browser.get(`${APP_ORIGIN}/api/providers/typeform/proxy/forms`)).status).toBe(200);
    await expireAccessTokens(database, userId);
    const tokenRequests = typeform.server.counts.token_request ?? 0;
    const call = await browser.get(`${APP_ORIGIN}/api/providers/typeform/proxy/forms`);
    expect(call.status).toBe(401);
    expect(JSON.parse(call.text)).toMatchObject({ error: 'needs_reauth' });
    expect(typeform.server.counts.token_request ?? 0).toBe(tokenRequests);
  });
});

describeClientFailures(TYPEFORM, { wrongSecret: { sentAs: '401 invalid_client' }, exchangeFailure: {} });
