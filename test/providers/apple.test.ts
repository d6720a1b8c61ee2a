import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestBrowser } from '../support/browser.js';
import { describeEachDialect } from '../support/postgres.js';
import { readFormPost, startAppleEmulator, type AppleEmulator, type AppleUser } from './apple.emulator.js';
import { APP_ORIGIN, csrfTokenOf, disconnectThrough, type ProviderTestApp } from './kit/provider-app.js';
import { expireAccessTokens, standardCases, useProviderTest, type ProviderUnderTest } from './kit/standard-cases.js';

const CLIENT_ID = 'com.example.tokenkeeper.web';
const TEAM_ID = 'TEAM123456';
const KEY_ID = 'KEY1234567';

function person(sub: string, firstName: string, lastName: string): AppleUser {
  return { sub, email: `${sub}@privaterelay.appleid.test`, emailVerified: true, isPrivateEmail: true, firstName, lastName };
}

describeEachDialect('Sign in with Apple, against an emulator of Apple', (dialect) => {
  const clientKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let folder: string;

  /** The app as a deployment configures it: the preset, the Services ID, the team and the key (a .p8 file). */
  const env = (emulator: AppleEmulator, keyFile: string) => ({
    OAUTH_PROVIDERS: 'apple',
    APPLE_PRESET: 'apple',
    APPLE_CLIENT_ID: CLIENT_ID,
    APPLE_TEAM_ID: TEAM_ID,
    APPLE_PRIVATE_KEY_FILE: keyFile,
    APPLE_PRIVATE_KEY_ID: KEY_ID,
    APPLE_ISSUER: emulator.origin,
  });

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-apple-'));
    writeFileSync(join(folder, 'AuthKey.p8'), clientKey.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    writeFileSync(join(folder, 'other.p8'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const context = useProviderTest(
    () => dialect.openTestDatabase(),
    {
      startEmulator: () => startAppleEmulator({ clientId: CLIENT_ID, teamId: TEAM_ID, keyId: KEY_ID, clientPublicKey: clientKey.publicKey, redirectUri: `${APP_ORIGIN}/auth/apple/callback` }),
      env: (apple) => env(apple, join(folder, 'AuthKey.p8')),
    },
    // The app signing its client secret with a key Apple does not know for the team.
    { misconfiguredEnv: () => ({ APPLE_PRIVATE_KEY_FILE: join(folder, 'other.p8') }) },
  );

  /**
   * Signs in through Apple's form_post answer: Apple's page posts it from Apple's site, so it reaches the app without
   * the browser's cookies (a browser without them plays that post); the app's relay page then posts it again from the
   * app's site, in the browser that signed in.
   */
  async function signIn(browser: TestBrowser, user: AppleUser) {
    const { emulator: apple, app } = context;
    apple.signInAs(user);
    return formPostSignIn(browser, app);
  }

  /** The sign-in of whoever is signed in at Apple, its answer relayed through `targetApp`. */
  async function formPostSignIn(browser: TestBrowser, targetApp: ProviderTestApp) {
    const start = await browser.get(`${APP_ORIGIN}/login/apple?next=/api/me`, { followRedirects: false });
    const request = new URL(start.location!).searchParams;
    const answer = readFormPost((await browser.get(start.location!)).text);
    expect(answer.action).toBe(`${APP_ORIGIN}/auth/apple/callback`);
    const relay = await targetApp.browser().post(answer.action, answer.fields);
    expect(relay.status).toBe(200);
    const page = await browser.submitForm(relay);
    return { request, posted: answer.fields, page };
  }

  const signedIn = async (browser: TestBrowser, user: AppleUser) => {
    const { request, posted, page } = await signIn(browser, user);
    expect(page.status).toBe(200);
    return { request, posted, userId: (JSON.parse(page.text) as { user: { id: string } }).user.id };
  };

  const APPLE: ProviderUnderTest<AppleUser, AppleEmulator> = {
    preset: 'apple',
    displayName: 'Apple',
    people: { cancelled: person('001234.nobody', 'No', 'Body'), 'wrong-secret': person('001234.eve', 'Eve', 'Dropper') },
    subjectOf: (user) => user.sub,
    signIn: async (target) => (await formPostSignIn(target.browser(), target)).page,
  };

  // The emulator checks the signed client secret on every token request (a wrong key: invalid_client, a standard case).
  it('a first sign-in: form_post with name and e-mail, a client secret signed for the team, the name from `user`, the e-mail from the ID token', async () => {
    const { database, emulator: apple, app } = context;
    const ada = person('001234.ada', 'Ada', 'Lovelace');
    const { request, posted, userId } = await signedIn(app.browser(), ada);
    expect(Object.fromEntries(request)).toMatchObject({ response_mode: 'form_post', scope: 'openid name email', response_type: 'code', code_challenge_method: 'S256' });
    expect(request.get('nonce')).toEqual(expect.any(String));
    expect(JSON.parse(posted.get('user')!)).toMatchObject({ name: { firstName: 'Ada', lastName: 'Lovelace' } });

    const user = await database.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: '001234.ada@privaterelay.appleid.test', name: 'Ada Lovelace' });
    const account = await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(account.subject).toBe('001234.ada');
    expect(JSON.parse(account.claims)).toMatchObject({ email_verified: 'true', is_private_email: 'true', given_name: 'Ada', family_name: 'Lovelace' });
    const stored = await app.runtime.tokenStore.findToken(userId, 'apple');
    expect(stored!.refreshToken).toEqual(expect.any(String));
    expect(apple.liveRefreshTokens(ada.sub)).toBe(1);
  });

  it('a returning person gets no `user` field again: the name is kept, not emptied', async () => {
    const { database, app } = context;
    const grace = person('001234.grace', 'Grace', 'Hopper');
    const browser = app.browser();
    const first = await signedIn(browser, grace);
    await browser.post(`${APP_ORIGIN}/logout`, { _csrf: await csrfTokenOf(browser) });
    const again = await signedIn(browser, grace);
    expect(again.userId).toBe(first.userId);
    expect(again.posted.has('user')).toBe(false);
    const user = await database.db.selectFrom('users').select(['name']).where('id', '=', first.userId).executeTakeFirstOrThrow();
    expect(user.name).toBe('Grace Hopper');
  });

  it('20 concurrent requests for an expired token make one refresh; Apple sends no new refresh token and the stored one stays', async () => {
    const { database, emulator: apple, app } = context;
    const { userId } = await signedIn(app.browser(), person('001234.alan', 'Alan', 'Turing'));
    const before = await app.runtime.tokenStore.findToken(userId, 'apple');
    await expireAccessTokens(database, userId);
    const refreshes = apple.server.counts.refresh_token ?? 0;
    const tokens = await Promise.all(Array.from({ length: 20 }, () => app.runtime.tokens.getAccessToken(userId, 'apple')));
    expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1);
    expect(apple.server.counts.refresh_token).toBe(refreshes + 1);
    expect(apple.accepts(tokens[0]!.accessToken)).toBe(true);
    const after = await app.runtime.tokenStore.findToken(userId, 'apple');
    expect(after!.refreshToken).toBe(before!.refreshToken);
    expect(after!.accessToken).not.toBe(before!.accessToken);
  });

  it('disconnect revokes the grant at Apple with the signed secret', async () => {
    const { emulator: apple, app } = context;
    const browser = app.browser();
    const { userId } = await signedIn(browser, person('001234.barbara', 'Barbara', 'Liskov'));
    const stored = await app.runtime.tokenStore.findToken(userId, 'apple');
    expect(await disconnectThrough(browser, 'apple')).toEqual({ disconnected: true, revokedAtProvider: true });
    expect(apple.accepts(stored!.accessToken)).toBe(false);
    expect(apple.liveRefreshTokens('001234.barbara')).toBe(0);
  });

  standardCases(() => context, APPLE, {
    cancelled: { error: 'user_cancelled_authorize', deny: (emulator) => emulator.denyNext() },
    wrongSecret: { sentAs: 'a key Apple does not know for the team' },
  });
});
