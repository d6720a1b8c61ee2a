import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { expectDisconnectRevokes } from './kit/disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './kit/needs-reauth.js';
import { APP_ORIGIN, signInAs, signInThrough } from './kit/provider-app.js';
import { describeClientFailures, expireAccessTokens, rowCounts, standardCases, useProviderTest, type StandardProvider } from './kit/standard-cases.js';
import { startSmartsheetEmulator, type SmartsheetEmulator, type SmartsheetUser } from './smartsheet.emulator.js';

// An app client id and secret of the form Smartsheet's Developer Tools show (lower-case letters and digits).
const CLIENT_ID = 'v3bqrn1z7mftxa8yl0s';
const CLIENT_SECRET = 'k5pw2dj9h0a7r3nqz8xmc1t4';
const REDIRECT_URI = `${APP_ORIGIN}/auth/smartsheet/callback`;

function person(id: number, firstName: string, lastName: string): SmartsheetUser {
  return { id, email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@example.com`, firstName, lastName, accountId: 942_513_719_853_956, accountName: 'Acme' };
}

/** Only the documented variables: the preset, the client, and the endpoints pointed at the emulator (/users/me moves with the API base). */
function smartsheetEnv(smartsheet: SmartsheetEmulator): Record<string, string> {
  return {
    OAUTH_PROVIDERS: 'smartsheet',
    SMARTSHEET_PRESET: 'smartsheet',
    SMARTSHEET_CLIENT_ID: CLIENT_ID,
    SMARTSHEET_CLIENT_SECRET: CLIENT_SECRET,
    SMARTSHEET_AUTHORIZE_URL: `${smartsheet.origin}/b/authorize`,
    SMARTSHEET_ACCESS_TOKEN_URL: `${smartsheet.origin}/2.0/token`,
    SMARTSHEET_API_BASE_URL: `${smartsheet.origin}/2.0`,
  };
}

/** A refresh at Smartsheet itself, with the hash it asks for, as another copy of the refresh token would make it. */
function refreshAtSmartsheet(smartsheet: SmartsheetEmulator, refreshToken: string): Promise<Response> {
  const hash = createHash('sha256').update(`${CLIENT_SECRET}|${refreshToken}`).digest('hex');
  return fetch(`${smartsheet.origin}/2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID, hash }) });
}

const SMARTSHEET: StandardProvider<SmartsheetUser, SmartsheetEmulator> = {
  preset: 'smartsheet',
  displayName: 'Smartsheet',
  startEmulator: () => startSmartsheetEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI }),
  env: smartsheetEnv,
  people: {
    cancelled: person(48_569_348_493_108, 'Changed', 'Mind'),
    'refused-code': person(48_569_348_493_109, 'Refused', 'Code'),
    'wrong-secret': person(48_569_348_493_301, 'Wrong', 'Secret'),
    'exchange-failure': person(48_569_348_493_302, 'Outage', 'Person'),
  },
  subjectOf: (user) => String(user.id),
};

const sheets = (browser: TestBrowser) => browser.get(`${APP_ORIGIN}/api/providers/smartsheet/proxy/sheets`);

describeEachDialect('Smartsheet, against an emulator of Smartsheet', (dialect) => {
  const context = useProviderTest(() => dialect.openTestDatabase(), SMARTSHEET);

  const signIn = (user: SmartsheetUser) => signInAs(context, 'smartsheet', user);

  it('signs in as the numeric id of /users/me with the names and the e-mail (unverified), asking READ_SHEETS without PKCE, the code exchanged with the hash and never the secret, for a week-long access token', async () => {
    const { database, emulator: smartsheet, app } = context;
    const hashed = smartsheet.server.counts.hash ?? 0;
    const { userId, request } = await signIn(person(48_569_348_493_401, 'John', 'Doe'));
    expect(request.get('scope')).toBe('READ_SHEETS');
    expect(request.get('code_challenge')).toBeNull();
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('48569348493401');
    expect(JSON.parse(account.claims)).toMatchObject({ account_id: '942513719853956', account_name: 'Acme' });
    const user = await database.db.selectFrom('users').select(['email', 'email_verified', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'john.doe@example.com', name: 'John Doe' });
    expect(Boolean(user.email_verified)).toBe(false);
    expect(smartsheet.server.counts.hash).toBe(hashed + 1);
    expect(smartsheet.server.counts.client_secret).toBeUndefined();
    const token = await app.runtime.tokenStore.findToken(userId, 'smartsheet');
    expect(token!.refreshToken).toEqual(expect.any(String));
    expect(token!.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(604_799 - 100);
  });

  it('the proxy reaches the API; 20 concurrent calls on an expired token make one refresh, sent with the hash of the refresh token, and the new pair is kept', async () => {
    const { database, emulator: smartsheet, app } = context;
    const { browser, userId } = await signIn(person(48_569_348_493_102, 'Ada', 'Lovelace'));
    const before = await app.runtime.tokenStore.findToken(userId, 'smartsheet');
    await expireAccessTokens(database, userId);
    const refreshes = smartsheet.server.counts.refresh_token ?? 0;
    const hashed = smartsheet.server.counts.hash ?? 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => sheets(browser)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ totalCount: 1, data: [{ name: "Ada's plan" }] });
    expect(smartsheet.server.counts.refresh_token).toBe(refreshes + 1);
    expect(smartsheet.server.counts.hash).toBe(hashed + 1);
    expect(smartsheet.server.counts.client_secret).toBeUndefined();
    const after = await app.runtime.tokenStore.findToken(userId, 'smartsheet');
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(smartsheet.accepts(after!.accessToken)).toBe(true);
    expect((await refreshAtSmartsheet(smartsheet, before!.refreshToken!)).status).toBe(400);
  });

  it("the app revoked in Smartsheet marks the connection 'needs re-auth' after one refresh Smartsheet refuses", async () => {
    const { emulator: smartsheet, app } = context;
    const leaving = person(48_569_348_493_103, 'Leaving', 'Soon');
    const { browser, userId } = await signIn(leaving);
    smartsheet.removeAccess(leaving);
    await expectNeedsReauthAfterOneRefusedRefresh(context, 'smartsheet', userId, () => sheets(browser));
  });

  it('disconnect ends every token of the app for the person with DELETE /token?deleteAllForApiClient=true: Smartsheet takes neither token any more', async () => {
    const { emulator: smartsheet } = context;
    const { browser, userId } = await signIn(person(48_569_348_493_104, 'Goodbye', 'Person'));
    const token = await expectDisconnectRevokes(context, 'smartsheet', { browser, userId }, { counter: 'delete_token', requests: 1 });
    expect(smartsheet.server.requests.findLast((r) => r.method === 'DELETE')!.path).toBe('/2.0/token?deleteAllForApiClient=true');
    expect(smartsheet.accepts(token.accessToken)).toBe(false);
    expect((await refreshAtSmartsheet(smartsheet, token.refreshToken!)).status).toBe(400);
  });

  standardCases(() => context, SMARTSHEET, { cancelled: {}, refusedCode: { sentAs: '400 invalid_grant' } });
});

describeClientFailures(
  SMARTSHEET,
  { exchangeFailure: {} },
  {
    more: (context) => {
      it('a wrong client secret makes a hash Smartsheet refuses as invalid_grant: the sign-in is a 400 that says Smartsheet did not accept it, and nothing is stored', async () => {
        const { database, emulator: smartsheet, misconfigured } = context;
        const before = await rowCounts(database);
        smartsheet.signInAs(SMARTSHEET.people['wrong-secret']!);
        const page = await signInThrough(misconfigured!.browser(), 'smartsheet');
        expect(page.status).toBe(400);
        expect(page.text).toContain('Smartsheet did not accept this sign-in');
        expect(await rowCounts(database)).toEqual(before);
        expect(smartsheet.server.counts.client_secret).toBeUndefined();
      });
    },
  },
);
