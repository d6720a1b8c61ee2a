/**
 * The tokens a refresh storm leaves stored, checked the same way at every
 * provider whose access tokens expire: the person's connection holds a
 * refresh token; its access token is marked ended; 20 API calls through the
 * app at once make one refresh (`expectOneRefreshFor20Calls`); the stored
 * access token is then a new one, which the provider takes; and the refresh
 * token is a new one where the provider rotates it (RFC 6749 §6 lets it
 * issue a new one) or the same one where it keeps it. What the answers hold,
 * the new token's lifetime and scope, and how the provider answers the
 * spent refresh token stay in the provider's own test, which reads them
 * from the tokens returned.
 */
import { expect } from 'vitest';
import type { StoredTokenSet } from '../../../src/client/token-store.js';
import type { BrowserResponse } from '../../support/browser.js';
import type { TestDatabase } from '../../support/postgres.js';
import { expectOneRefreshFor20Calls } from './concurrent-calls.js';
import type { EmulatorServer } from './emulator-server.js';
import type { ProviderTestApp } from './provider-app.js';
import { expireAccessTokens } from './standard-cases.js';

/** The app, its database and the emulator of the provider, which says whether it takes an access token. */
type StormContext = {
  readonly database: TestDatabase;
  readonly app: ProviderTestApp;
  readonly emulator: { readonly server: EmulatorServer; accepts(accessToken: string): boolean };
};

/** The stored token before and after the storm, and the 20 answers. */
export interface RefreshedTokens {
  readonly before: StoredTokenSet;
  readonly after: StoredTokenSet;
  readonly answers: BrowserResponse[];
}

/** Runs the storm of `call` (an API call through the app as the person) and checks what every provider shares, above. */
async function refreshStorm(context: StormContext, preset: string, userId: string, call: () => Promise<BrowserResponse>): Promise<RefreshedTokens> {
  const { database, app, emulator } = context;
  const before = await app.runtime.tokenStore.findToken(userId, preset);
  expect(before?.refreshToken).toEqual(expect.any(String));
  await expireAccessTokens(database, userId);
  const answers = await expectOneRefreshFor20Calls(emulator, call);
  const after = await app.runtime.tokenStore.findToken(userId, preset);
  expect(after?.accessToken).toEqual(expect.any(String));
  expect(after!.accessToken).not.toBe(before!.accessToken);
  expect(emulator.accepts(after!.accessToken)).toBe(true);
  return { before: before!, after: after!, answers };
}

/** The storm above at a provider that rotates refresh tokens: the stored refresh token is a new one. */
export async function expectRotatedAfterStorm(context: StormContext, preset: string, userId: string, call: () => Promise<BrowserResponse>): Promise<RefreshedTokens> {
  const tokens = await refreshStorm(context, preset, userId, call);
  expect(tokens.after.refreshToken).toEqual(expect.any(String));
  expect(tokens.after.refreshToken).not.toBe(tokens.before.refreshToken);
  return tokens;
}

/** The storm above at a provider that keeps refresh tokens (answering none, or the same one): the stored refresh token is the same. */
export async function expectKeptAfterStorm(context: StormContext, preset: string, userId: string, call: () => Promise<BrowserResponse>): Promise<RefreshedTokens> {
  const tokens = await refreshStorm(context, preset, userId, call);
  expect(tokens.after.refreshToken).toBe(tokens.before.refreshToken);
  return tokens;
}

/** A provider's answer as its status and JSON body, to compare in one expectation (e.g. its refusal of a spent refresh token). */
export async function statusAndBody(response: Response | Promise<Response>): Promise<{ status: number; body: unknown }> {
  const answer = await response;
  return { status: answer.status, body: await answer.json() };
}
