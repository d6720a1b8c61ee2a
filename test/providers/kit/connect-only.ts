/**
 * A connect-only provider (its preset's `connectOnly`: it says nothing of who the person is) is never signed in
 * with: a person signs in with another provider first, then connects it from the account page. The way in here is
 * the dev provider (oidc-provider) as `toolkit`, beside the provider under test, so that a provider's test drives
 * the real app as a deployment would: `wayInEnv` adds it to the variables, `connectThrough` signs a new browser
 * in as one of its demo people and connects the provider (whose emulator approves at once).
 */
import type { DevProvider } from '../../../src/dev-provider/index.js';
import type { BrowserResponse, TestBrowser } from '../../support/browser.js';
import { throughDevProvider } from '../../support/dev-provider-pages.js';
import { CLIENT_ID, CLIENT_SECRET, startTestProvider } from '../../support/test-app.js';
import { APP_ORIGIN, csrfTokenOf, type ProviderTestApp } from './provider-app.js';

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
export async function signedInThroughWayIn(app: ProviderTestApp, person: 'alice' | 'bob' | 'mallory' = 'alice'): Promise<{ browser: TestBrowser; userId: string }> {
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
export async function connectThrough(app: ProviderTestApp, provider: string, person: 'alice' | 'bob' | 'mallory' = 'alice'): Promise<ConnectedBrowser> {
  const { browser, userId } = await signedInThroughWayIn(app, person);
  return { browser, userId, page: await connectFrom(browser, provider) };
}
