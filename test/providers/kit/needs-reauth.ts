/**
 * What a connection whose grant ended at the provider must come to, checked
 * the same way at every provider that refuses the refresh: a call through
 * the app answers 401 `needs_reauth`, after one refresh the provider
 * refused; a second call answers 401 too without asking the provider for
 * another; and the stored token is marked `needs_reauth`. How the grant ends
 * (an app removed, a refresh token rotated or revoked elsewhere) and which
 * API call shows it stay in the provider's own test.
 *
 * At a provider that gives no refresh token, the app has no refresh to
 * try: the same call answers 401 `needs_reauth` at once, with no token
 * request at all, and the stored token is marked `needs_reauth`.
 */
import { expect } from 'vitest';
import type { BrowserResponse } from '../../support/browser.js';
import type { EmulatorServer } from './emulator-server.js';
import type { ProviderTestApp } from './provider-app.js';

/** The app and the emulator of the provider whose grant has ended. */
type GrantContext = { readonly app: ProviderTestApp; readonly emulator: { readonly server: EmulatorServer } };

/** Makes `call` and checks that the app answers it 401 `needs_reauth`. */
async function expectNeedsReauthAnswer(call: () => Promise<BrowserResponse>): Promise<void> {
  const answer = await call();
  expect(answer.status).toBe(401);
  expect(JSON.parse(answer.text)).toMatchObject({ error: 'needs_reauth' });
}

/**
 * Makes `call` (an API call through the app as the person, whose grant the
 * provider has just ended) twice and checks the outcome above; counts the
 * provider's `refresh_token` grants from when it is called.
 */
export async function expectNeedsReauthAfterOneRefusedRefresh(context: GrantContext, preset: string, userId: string, call: () => Promise<BrowserResponse>): Promise<void> {
  const { app, emulator } = context;
  const refreshes = emulator.server.counts.refresh_token ?? 0;
  await expectNeedsReauthAnswer(call);
  expect((await call()).status).toBe(401);
  expect(emulator.server.counts.refresh_token).toBe(refreshes + 1);
  expect((await app.runtime.tokenStore.findToken(userId, preset))!.status).toBe('needs_reauth');
}

/**
 * Makes `call` (an API call through the app as the person, whose grant the
 * provider has just ended) once and checks the outcome above for a provider
 * that gives no refresh token; counts the provider's token requests
 * (`token_request`) from when it is called.
 */
export async function expectNeedsReauthWithoutTokenRequest(context: GrantContext, preset: string, userId: string, call: () => Promise<BrowserResponse>): Promise<void> {
  const { app, emulator } = context;
  const tokenRequests = emulator.server.counts.token_request ?? 0;
  await expectNeedsReauthAnswer(call);
  expect((await app.runtime.tokenStore.findToken(userId, preset))!.status).toBe('needs_reauth');
  expect(emulator.server.counts.token_request ?? 0).toBe(tokenRequests);
}
