/**
 * A connect-only provider (its preset's `connectOnly`: it says nothing of who the person is) is never signed in
 * with: a person signs in with another provider first, then connects it from the account page. The way in here is
 * the dev provider (oidc-provider) as `toolkit`, beside the provider under test, so that a provider's test drives
 * the real app as a deployment would: `wayInEnv` adds it to the variables, `connectThrough` signs a new browser
 * in as one of its demo people and connects the provider (whose emulator approves at once); `useConnectOnlyTest` is
 * useProviderTest with the way in started beside the app. What every connect-only provider's test checks the same way
 * is here too, registered at once by `connectOnlyCases`: the sign-in refused (`expectSignInRefused`), a disconnect that
 * leaves the way in (`expectDisconnectKeepsWayIn`), and the standard cases connecting through the way in
 * (`connectingThroughWayIn`).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DevProvider } from '../../../src/dev-provider/index.js';
import type { BrowserResponse, TestBrowser } from '../../support/browser.js';
import { throughDevProvider } from '../../support/dev-provider-pages.js';
import type { TestDatabase } from '../../support/postgres.js';
import { CLIENT_ID, CLIENT_SECRET, startTestProvider } from '../../support/test-app.js';
import { expectDisconnectAsksNothing } from './disconnect-asks-nothing.js';
import type { EmulatorServer } from './emulator-server.js';
import { APP_ORIGIN, csrfTokenOf, type ProviderTestApp } from './provider-app.js';
import {
  standardCases,
  useProviderTest,
  type StandardCase,
  type StandardCases,
  type StandardContext,
  type StandardEmulator,
  type StandardProvider,
} from './standard-cases.js';

/** A demo person of the dev provider, who signs in through the way in. */
export type WayInPerson = 'alice' | 'bob' | 'mallory';

/** The dev provider, started for a test's way in; close it afterwards. */
export function startWayIn(): Promise<DevProvider> {
  return startTestProvider();
}

/**
 * `env` (a connect-only provider's variables, such as presetEnv's) with the dev provider at `wayIn` added as
 * `toolkit`, first in OAUTH_PROVIDERS.
 */
export function wayInEnv(wayIn: DevProvider, env: Record<string, string>): Record<string, string> {
  return {
    ...env,
    OAUTH_PROVIDERS: ['toolkit', ...(env.OAUTH_PROVIDERS ?? '').split(',').filter((name) => name !== '')].join(','),
    TOOLKIT_ISSUER: wayIn.issuer,
    TOOLKIT_CLIENT_ID: CLIENT_ID,
    TOOLKIT_CLIENT_SECRET: CLIENT_SECRET,
    TOOLKIT_SCOPE: 'openid profile',
  };
}

/** A signed-in browser that connected `provider`: the browser, the user's id, and the page the connection ended on. */
export interface ConnectedBrowser {
  browser: TestBrowser;
  userId: string;
  page: BrowserResponse;
}

/** Signs a new browser in through the way in as `person` (a dev provider demo account), with nothing connected yet. */
export async function signedInThroughWayIn(app: ProviderTestApp, person: WayInPerson = 'alice'): Promise<{ browser: TestBrowser; userId: string }> {
  const browser = app.browser();
  const home = await throughDevProvider(browser, await browser.get(`${APP_ORIGIN}/login/toolkit?next=%2Faccount`), person);
  if (!home.url.startsWith(`${APP_ORIGIN}/account`)) throw new Error(`the way in stopped at ${home.status} ${home.url}`);
  const me = JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text) as { user: { id: string } };
  return { browser, userId: me.user.id };
}

/** Connects `provider` for the browser's signed-in user as the account page's "Connect" button does, following every redirect. */
export async function connectFrom(browser: TestBrowser, provider: string): Promise<BrowserResponse> {
  return browser.post(`${APP_ORIGIN}/account/connections/${provider}`, { _csrf: await csrfTokenOf(browser) });
}

/** signedInThroughWayIn, then connectFrom: a user with `provider` connected (or the page its refusal ended on). */
export async function connectThrough(app: ProviderTestApp, provider: string, person: WayInPerson = 'alice'): Promise<ConnectedBrowser> {
  const { browser, userId } = await signedInThroughWayIn(app, person);
  return { browser, userId, page: await connectFrom(browser, provider) };
}

/**
 * Checks that `provider` (`displayName` on the app's pages) is never signed in with: the home page offers no sign-in
 * with it, and /login/<provider> answers (itself, not after a redirect) a 400 that says to sign in first and connect
 * it from the account, before its emulator is sent anything.
 */
export async function expectSignInRefused(app: ProviderTestApp, emulator: { readonly server: EmulatorServer }, provider: string, displayName: string): Promise<void> {
  const requests = emulator.server.requests.length;
  const browser = app.browser();
  expect((await browser.get(`${APP_ORIGIN}/`)).text).not.toContain(`Sign in with ${displayName}`);
  const refused = await browser.get(`${APP_ORIGIN}/login/${provider}`, { followRedirects: false });
  expect(refused.status).toBe(400);
  expect(refused.text).toContain(`${displayName} cannot be signed in with: sign in first, then connect it from your account.`);
  expect(emulator.server.requests.length).toBe(requests);
}

/**
 * The `subjectOf` and `signIn` that let the standard cases (standard-cases.ts) run at a connect-only provider: each
 * case connects `provider` through the way in as `person`, who is signed in once before them (so that a case adds
 * no user) and whose own id is the subject a connection is stored under. Call it in the describe block after
 * useProviderTest, whose app `app` returns, and give `person` to no other test of the block.
 */
function connectingThroughWayIn(
  app: () => ProviderTestApp,
  provider: string,
  person: WayInPerson = 'bob',
): { subjectOf(): string; signIn(app: ProviderTestApp): Promise<BrowserResponse> } {
  let userId: string | undefined;
  beforeAll(async () => {
    userId = (await signedInThroughWayIn(app(), person)).userId;
  });
  return {
    subjectOf: () => {
      if (userId === undefined) throw new Error(`${person} has not signed in through the way in`);
      return userId;
    },
    signIn: async (at) => (await connectThrough(at, provider, person)).page,
  };
}

/**
 * expectDisconnectAsksNothing for a browser that connected `provider` (connectThrough's), and beyond it: the
 * provider still takes the forgotten access token, and the person's one account left is the way in.
 */
async function expectDisconnectKeepsWayIn(
  context: {
    readonly app: ProviderTestApp;
    readonly emulator: { readonly server: EmulatorServer; accepts(accessToken: string): boolean };
    readonly database: TestDatabase;
  },
  provider: string,
  connected: { readonly browser: TestBrowser; readonly userId: string },
): Promise<void> {
  await expectDisconnectAsksNothing(context, provider, connected, { tokenStillAccepted: true, accountsLeft: ['toolkit'] });
}

/** The rows of `userId`'s connection to `provider`: its accounts (subject and claims) and its tokens (status). */
export async function connectionRowsOf(
  database: TestDatabase,
  userId: string,
  provider: string,
): Promise<{ accounts: { subject: string; claims: string | null }[]; tokens: { status: string }[] }> {
  return {
    accounts: await database.db.selectFrom('accounts').select(['subject', 'claims']).where('user_id', '=', userId).where('provider', '=', provider).execute(),
    tokens: await database.db.selectFrom('tokens').select('status').where('user_id', '=', userId).where('provider', '=', provider).execute(),
  };
}

/** useProviderTest's database, emulator and apps for a connect-only provider, and a way to connect it. */
export interface ConnectOnlyContext<User, Emulator> extends StandardContext<Emulator> {
  /** Signs a new browser in through the way in as `person` and connects the provider, signed in at its emulator as `user`. */
  connect(user: User, person?: WayInPerson): Promise<ConnectedBrowser>;
}

/**
 * useProviderTest for a connect-only provider: the way in is started before the block's apps (closed after them) and
 * added to `provider.env`'s variables by wayInEnv, so that the apps (the misconfigured one too) sign people in with it.
 */
export function useConnectOnlyTest<User, Emulator extends StandardEmulator<User>>(
  openDatabase: () => Promise<TestDatabase>,
  provider: Pick<StandardProvider<User, Emulator>, 'preset' | 'startEmulator' | 'env'>,
  options: { misconfiguredEnv?: (emulator: Emulator) => Record<string, string>; now?: () => number } = {},
): ConnectOnlyContext<User, Emulator> {
  let wayIn: DevProvider | undefined;
  beforeAll(async () => {
    wayIn = await startWayIn();
  });
  afterAll(async () => {
    await wayIn?.close();
  });
  const context = useProviderTest(openDatabase, { startEmulator: () => provider.startEmulator(), env: (emulator) => wayInEnv(wayIn!, provider.env(emulator)) }, options);
  const connect = (user: User, person: WayInPerson = 'alice'): Promise<ConnectedBrowser> => {
    context.emulator.signInAs(user);
    return connectThrough(context.app, provider.preset, person);
  };
  // Added to the context itself, whose getters read the block's database, emulator and apps once they have started.
  return Object.assign(context, { connect });
}

/**
 * Registers the cases every connect-only provider's test has: it is never signed in with (expectSignInRefused), a
 * disconnect asks it nothing and leaves the way in (expectDisconnectKeepsWayIn, as `people.disconnect`), and the
 * standard cases in `cases`, each connecting through Bob (connectingThroughWayIn), whom the block's other tests leave
 * alone. Call it in the describe block after useConnectOnlyTest.
 */
export function connectOnlyCases<User, Emulator extends StandardEmulator<User> & { accepts(accessToken: string): boolean }>(
  context: ConnectOnlyContext<User, Emulator>,
  provider: { preset: string; displayName: string; people: { readonly disconnect: User } & { readonly [Case in StandardCase]?: User } },
  cases: StandardCases<Emulator>,
): void {
  const { preset, displayName: name, people } = provider;
  it(`is never signed in with: /login/${preset} is refused (400 connect_only) before ${name} is asked anything`, async () => {
    await expectSignInRefused(context.app, context.emulator, preset, name);
  });
  it(`disconnect asks ${name} nothing (it documents no revocation) and forgets the tokens, which ${name} still takes; the way in stays`, async () => {
    await expectDisconnectKeepsWayIn(context, preset, await context.connect(people.disconnect));
  });
  standardCases(() => context, { preset, displayName: name, people, ...connectingThroughWayIn(() => context.app, preset) }, cases);
}
