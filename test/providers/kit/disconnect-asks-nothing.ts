/**
 * Disconnecting at a provider that documents no revocation (or none the app
 * uses), checked the same way at every such provider: the account page's
 * disconnect answers `revokedAtProvider: false`, the provider is sent no
 * request at all, and the stored token is deleted. What else a provider's
 * test shows (that the token still works there, that a teammate's
 * connection is untouched) stays in its own test, or is asked for in
 * `options` where many tests show the same.
 */
import { expect } from 'vitest';
import type { TestBrowser } from '../../support/browser.js';
import type { TestDatabase } from '../../support/postgres.js';
import type { EmulatorServer } from './emulator-server.js';
import { disconnectThrough, type ProviderTestApp } from './provider-app.js';

/** What the disconnect must also leave as it was, where a test asks. */
export interface LeftAfterDisconnect {
  /** The forgotten access token still works at the provider (its emulator's `accepts`): nothing was revoked there. */
  tokenStillAccepted?: boolean;
  /** The providers the person's accounts are left at (in any order), read from the context's database. */
  accountsLeft?: readonly string[];
}

/** Disconnects the person signed in with `signedIn.browser` from `preset` and checks the outcome above; counts the provider's requests from when it is called. */
export async function expectDisconnectAsksNothing(
  context: {
    readonly app: ProviderTestApp;
    readonly emulator: { readonly server: EmulatorServer; accepts?(accessToken: string): boolean };
    readonly database?: TestDatabase;
  },
  preset: string,
  signedIn: { readonly browser: TestBrowser; readonly userId: string },
  options: LeftAfterDisconnect = {},
): Promise<void> {
  const { app, emulator } = context;
  const stored = options.tokenStillAccepted ? await app.runtime.tokenStore.findToken(signedIn.userId, preset) : undefined;
  const requests = emulator.server.requests.length;
  expect(await disconnectThrough(signedIn.browser, preset)).toEqual({ disconnected: true, revokedAtProvider: false });
  expect(emulator.server.requests.length).toBe(requests);
  expect(await app.runtime.tokenStore.findToken(signedIn.userId, preset)).toBeUndefined();
  if (options.tokenStillAccepted) {
    if (!emulator.accepts) throw new Error(`the ${preset} emulator has no accepts(accessToken): tokenStillAccepted cannot be checked`);
    expect(stored, `${preset} was connected before the disconnect`).toBeDefined();
    expect(emulator.accepts(stored!.accessToken), `${preset} still takes the forgotten access token`).toBe(true);
  }
  if (options.accountsLeft) {
    if (!context.database) throw new Error('accountsLeft is read from the database: give the context one');
    const accounts = await context.database.db.selectFrom('accounts').select('provider').where('user_id', '=', signedIn.userId).execute();
    expect(accounts.map((row) => row.provider).sort()).toEqual([...options.accountsLeft].sort());
  }
}
