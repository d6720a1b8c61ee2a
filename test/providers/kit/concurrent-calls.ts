/**
 * The single-flight refresh seen from outside, checked the same way at every
 * provider: 20 API calls through the app at once, on a connection whose
 * access token has expired, all answer 200 after one refresh at the
 * provider. What each answer holds and what becomes of the refresh tokens
 * stay in the provider's own test.
 *
 * At a provider whose access tokens do not expire, 20 calls at once on a
 * fresh connection all answer 200 with no token request at all.
 */
import { expect } from 'vitest';
import type { BrowserResponse } from '../../support/browser.js';
import type { EmulatorServer } from './emulator-server.js';

/** Makes `call` 20 times at once and checks the outcome above; counts the provider's `refresh_token` grants from when it is called; returns the answers. */
export async function expectOneRefreshFor20Calls(emulator: { readonly server: EmulatorServer }, call: () => Promise<BrowserResponse>): Promise<BrowserResponse[]> {
  const refreshes = emulator.server.counts.refresh_token ?? 0;
  const answers = await Promise.all(Array.from({ length: 20 }, () => call()));
  expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
  expect(emulator.server.counts.refresh_token).toBe(refreshes + 1);
  return answers;
}

/** Makes `call` 20 times at once and checks that all answer 200 with no token request (`token_request`) from when it is called; returns the answers. */
export async function expectNoTokenRequestFor20Calls(emulator: { readonly server: EmulatorServer }, call: () => Promise<BrowserResponse>): Promise<BrowserResponse[]> {
  const tokenRequests = emulator.server.counts.token_request ?? 0;
  const answers = await Promise.all(Array.from({ length: 20 }, () => call()));
  expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
  expect(emulator.server.counts.token_request ?? 0).toBe(tokenRequests);
  return answers;
}
