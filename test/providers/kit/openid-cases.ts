/**
 * The cases the tests of OpenID Connect providers (a hosted tenant or a
 * self-run server, signing in through discovery) each check the same way,
 * written once for the provider's own `it`s to call: what a sign-in stores
 * (the authorization request's scope, PKCE S256 and prompt; the account
 * under the issuer and subject, the user's name, e-mail and whether it is
 * verified; the stored token with its refresh token and lifetime), the e-mail
 * stored for another person, the proxy reaching the provider's API with the token, a refresh storm, the next
 * refresh, a grant ended at the provider, a disconnect that revokes both
 * tokens, and a returning person found again. Each function signs its person
 * in first and returns what the test needs for what only its provider does
 * (how the client authenticated, how the provider answers a spent refresh
 * token), which stays in the provider's own test.
 */
import { expect } from 'vitest';
import type { StoredToken } from '../../../src/db/token-store.js';
import type { BrowserResponse, TestBrowser } from '../../support/browser.js';
import { expectDisconnectRevokes, type RevocationCount } from './disconnect-revokes.js';
import { expectNeedsReauthAfterOneRefusedRefresh } from './needs-reauth.js';
import { signInAs } from './provider-app.js';
import { expectKeptAfterStorm, expectRotatedAfterStorm, type RefreshedTokens } from './refreshed-tokens.js';
import { expectAccessTokenLifetime, expireAccessTokens, type ProviderUnderTest, type StandardContext, type StandardEmulator } from './standard-cases.js';

/** An emulator of an OpenID provider, which also says whether it takes an access token. */
export interface OpenIdEmulator<User> extends StandardEmulator<User> {
  accepts(accessToken: string): boolean;
}

/** A person signed in through the app: the browser, their user id and the authorization request the app sent. */
export interface SignedIn {
  readonly browser: TestBrowser;
  readonly userId: string;
  readonly request: URLSearchParams;
}

/** What a sign-in must have asked and stored. */
export interface OpenIdSignIn {
  /** The `scope` of the authorization request. */
  readonly scope: string;
  /** Its `prompt` (default: none sent). */
  readonly prompt?: string | null;
  /** The account stored: the provider's issuer and the person's subject. */
  readonly account: { readonly issuer: string; readonly subject: string };
  /** What the user row holds (those named), and whether its e-mail is marked verified. */
  readonly user: { readonly name?: string | null; readonly email?: string | null; readonly username?: string | null; readonly emailVerified: boolean };
  /**
   * The access token's lifetime the provider answered, in seconds (the stored expiry is checked within 100 seconds of
   * it), and what else the stored token holds beside a refresh token (e.g. its scope, or a refresh token of the
   * provider's form).
   */
  readonly token: { readonly lifetime: number; readonly [member: string]: unknown };
}

/** The stored rows a sign-in left, as the test may check them further. */
export interface StoredSignIn extends SignedIn {
  readonly account: { issuer: string; subject: string };
  readonly user: { name: string | null; email: string | null; email_verified: unknown; username: string | null };
  readonly token: StoredToken | undefined;
}

export interface OpenIdCases<User> {
  /** Signs `user` in through the app (`signInAs`). */
  signIn(user: User): Promise<SignedIn>;
  /** Signs `user` in and checks the request and the rows against `expected`. */
  expectSignIn(user: User, expected: OpenIdSignIn): Promise<StoredSignIn>;
  /** Signs `user` in and checks the e-mail stored for them, and whether it is marked verified (those given). */
  expectStoredEmail(user: User, expected: { readonly email?: string | null; readonly verified?: boolean }): Promise<void>;
  /** Signs `user` in, calls the API through the proxy, and checks it answers 200 with a JSON body holding `body`. */
  expectProxyReaches(user: User, body: Record<string, unknown>): Promise<SignedIn & { readonly answer: BrowserResponse }>;
  /** Signs `user` in and makes the refresh storm (`expectRotatedAfterStorm`) with the API call. */
  expectRotatedAfterStorm(user: User): Promise<SignedIn & RefreshedTokens>;
  /** Signs `user` in and makes the refresh storm (`expectKeptAfterStorm`) with the API call. */
  expectKeptAfterStorm(user: User): Promise<SignedIn & RefreshedTokens>;
  /** Ends the person's access token again: the next API call answers 200 after one more refresh at the provider. */
  expectNextRefreshWorks(signedIn: SignedIn): Promise<void>;
  /**
   * Signs `user` in, ends their grant at the provider with `end`, and checks the API call then needs re-auth after one
   * refused refresh (`expectNeedsReauthAfterOneRefusedRefresh`).
   */
  expectNeedsReauthOnceEnded(user: User, end: (user: User, signedIn: SignedIn) => void | Promise<void>): Promise<void>;
  /**
   * Signs `user` in and disconnects (`expectDisconnectRevokes`): then the provider takes neither the access token nor,
   * through `refreshAt` (a refresh at the provider itself), the refresh token (HTTP 400). Returns the token stored before.
   */
  expectDisconnectRevokesBoth(user: User, refreshAt: (refreshToken: string) => Promise<Response>, revocation?: RevocationCount): Promise<StoredToken>;
  /** Signs `user` in twice: the same user both times, with one account for their subject. */
  expectSameAccountOnReturn(user: User): Promise<void>;
}

/**
 * The cases above for `provider`, against the database, emulator and app of
 * `context` when a test runs; `call` is an API call through the app's proxy
 * as the signed-in browser.
 */
export function openIdCases<User, Emulator extends OpenIdEmulator<User>>(
  context: StandardContext<Emulator>,
  provider: Pick<ProviderUnderTest<User, Emulator>, 'preset' | 'subjectOf'>,
  call: (browser: TestBrowser) => Promise<BrowserResponse>,
): OpenIdCases<User> {
  const { preset } = provider;
  const signIn = (user: User) => signInAs(context, preset, user);
  return {
    signIn,

    async expectSignIn(person, expected) {
      const { database, app } = context;
      const signedIn = await signIn(person);
      const { userId, request } = signedIn;
      expect(request.get('scope')).toBe(expected.scope);
      expect(request.get('code_challenge_method')).toBe('S256');
      expect(request.get('prompt')).toBe(expected.prompt ?? null);
      const account = await database.db.selectFrom('accounts').select(['issuer', 'subject']).where('user_id', '=', userId).executeTakeFirstOrThrow();
      expect(account).toEqual(expected.account);
      const user = await database.db.selectFrom('users').select(['name', 'email', 'email_verified', 'username']).where('id', '=', userId).executeTakeFirstOrThrow();
      const { emailVerified, ...row } = expected.user;
      expect(user).toMatchObject(row);
      expect(Boolean(user.email_verified)).toBe(emailVerified);
      const token = await app.runtime.tokenStore.findToken(userId, preset);
      const { lifetime, ...stored } = expected.token;
      expect(token).toMatchObject({ refreshToken: expect.any(String), ...stored });
      expectAccessTokenLifetime(token, lifetime - 100, lifetime);
      return { ...signedIn, account, user, token };
    },

    async expectStoredEmail(person, expected) {
      const { userId } = await signIn(person);
      const user = await context.database.db.selectFrom('users').select(['email', 'email_verified']).where('id', '=', userId).executeTakeFirstOrThrow();
      if (expected.email !== undefined) expect(user.email).toBe(expected.email);
      if (expected.verified !== undefined) expect(Boolean(user.email_verified)).toBe(expected.verified);
    },

    async expectProxyReaches(user, body) {
      const signedIn = await signIn(user);
      const answer = await call(signedIn.browser);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toMatchObject(body);
      return { ...signedIn, answer };
    },

    async expectRotatedAfterStorm(user) {
      const signedIn = await signIn(user);
      return { ...signedIn, ...(await expectRotatedAfterStorm(context, preset, signedIn.userId, () => call(signedIn.browser))) };
    },

    async expectKeptAfterStorm(user) {
      const signedIn = await signIn(user);
      return { ...signedIn, ...(await expectKeptAfterStorm(context, preset, signedIn.userId, () => call(signedIn.browser))) };
    },

    async expectNextRefreshWorks({ browser, userId }) {
      const { database, emulator } = context;
      const refreshes = emulator.server.counts.refresh_token ?? 0;
      await expireAccessTokens(database, userId);
      expect((await call(browser)).status).toBe(200);
      expect(emulator.server.counts.refresh_token).toBe(refreshes + 1);
    },

    async expectNeedsReauthOnceEnded(user, end) {
      const signedIn = await signIn(user);
      await end(user, signedIn);
      await expectNeedsReauthAfterOneRefusedRefresh(context, preset, signedIn.userId, () => call(signedIn.browser));
    },

    async expectDisconnectRevokesBoth(user, refreshAt, revocation) {
      const { browser, userId } = await signIn(user);
      const stored = await expectDisconnectRevokes(context, preset, { browser, userId }, revocation);
      expect(context.emulator.accepts(stored.accessToken)).toBe(false);
      expect((await refreshAt(stored.refreshToken!)).status).toBe(400);
      return stored;
    },

    async expectSameAccountOnReturn(user) {
      const first = await signIn(user);
      const second = await signIn(user);
      expect(second.userId).toBe(first.userId);
      expect(await context.database.db.selectFrom('accounts').select('id').where('provider', '=', preset).where('subject', '=', provider.subjectOf(user)).execute()).toHaveLength(1);
    },
  };
}
