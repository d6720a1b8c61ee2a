/**
 * Drives a complete sign-in at the dev provider with openid-client as the
 * relying party and TestBrowser as the user.
 */
import * as oidc from 'openid-client';

import { TestBrowser, type BrowserResponse } from '../support/browser.js';

export const TEST_CLIENT = {
  clientId: 'toolkit',
  clientSecret: 'toolkit-test-secret',
  // Never fetched: the browser stops there and hands the URL to openid-client.
  redirectUris: ['http://127.0.0.1:9/auth/toolkit/callback'],
};

export const DEFAULT_SCOPE = 'openid profile email offline_access notes:read';

/** openid-client's configuration for the test client (http is allowed: localhost). */
export function discoverTestClient(issuer: string, clientAuth?: oidc.ClientAuth): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), TEST_CLIENT.clientId, TEST_CLIENT.clientSecret, clientAuth, {
    execute: [oidc.allowInsecureRequests],
  });
}

export interface AuthorizationRequest {
  url: URL;
  codeVerifier: string;
  state: string;
  nonce: string;
}

/**
 * An authorization request as a careful client makes it: asking for
 * offline_access, it also asks for consent (OpenID Connect Core §11 lets the
 * provider ignore offline_access otherwise, and the dev provider does).
 */
export async function buildAuthorizationRequest(config: oidc.Configuration, scope = DEFAULT_SCOPE, prompt?: string | null): Promise<AuthorizationRequest> {
  const chosenPrompt = prompt === undefined ? (scope.split(' ').includes('offline_access') ? 'consent' : null) : prompt;
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: TEST_CLIENT.redirectUris[0] as string,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(chosenPrompt === null ? {} : { prompt: chosenPrompt }),
  });
  return { url, codeVerifier, state, nonce };
}

export function newBrowser(): TestBrowser {
  return new TestBrowser({ stopAt: TEST_CLIENT.redirectUris[0] });
}

export interface SignInOptions {
  username?: string;
  password?: string;
  scope?: string;
  /** The `prompt` parameter; null leaves it out (default: consent when asking for offline_access). */
  prompt?: string | null;
  browser?: TestBrowser;
}

export interface SignInResult {
  tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  browser: TestBrowser;
  /** The pages seen on the way: login (if asked), consent (if asked). */
  pages: BrowserResponse[];
}

/** Signs in (alice by default), consenting when asked, and redeems the code. */
export async function signIn(config: oidc.Configuration, options: SignInOptions = {}): Promise<SignInResult> {
  const browser = options.browser ?? newBrowser();
  const request = await buildAuthorizationRequest(config, options.scope, options.prompt);
  const pages: BrowserResponse[] = [];

  let response = await browser.get(request.url);
  for (let step = 0; response.location === undefined; step += 1) {
    if (step > 2 || response.status >= 400) {
      throw new Error(`sign-in stuck at ${response.url} (${response.status}): ${response.text.slice(0, 500)}`);
    }
    pages.push(response);
    const isLogin = /name="password"/.test(response.text);
    response = isLogin
      ? await browser.submitForm(response, { username: options.username ?? 'alice', password: options.password ?? 'alice' })
      : await browser.submitForm(response);
  }

  const tokens = await oidc.authorizationCodeGrant(config, new URL(response.location), {
    pkceCodeVerifier: request.codeVerifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
    idTokenExpected: true,
  });
  return { tokens, browser, pages };
}

/** The OAuth error code of a failed openid-client call (e.g. 'invalid_grant'). */
export async function oauthErrorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof oidc.ResponseBodyError) return error.error;
    throw error;
  }
  throw new Error('expected the call to fail with an OAuth error');
}
