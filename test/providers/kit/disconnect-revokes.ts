/**
 * Disconnecting at a provider that revokes, checked the same way at every
 * such provider: the account page's disconnect answers
 * `revokedAtProvider: true`, the emulator's revocation route was called
 * (its counter grew), and the stored token is deleted. What else a
 * provider's test shows (the access token dead there, the refresh token
 * refused, how the request was sent) stays in its own test, with the token
 * this returns.
 */
import { expect } from 'vitest';
import type { StoredToken } from '../../../src/db/token-store.js';
import type { TestBrowser } from '../../support/browser.js';
import type { EmulatorServer } from './emulator-server.js';
import { disconnectThrough, type ProviderTestApp } from './provider-app.js';

/** Which of the emulator's counters is its revocation route, and by how much it must grow. */
export interface RevocationCount {
  /** The counter in `emulator.server.counts` (default `revoke`). */
  readonly counter?: string;
  /** How many requests the disconnect must add to it; without this, at least one. */
  readonly requests?: number;
}

/**
 * Disconnects the person signed in with `signedIn.browser` from `preset` and checks the outcome above;
 * the revocation counter is read when it is called. Returns the token that was stored before.
 */
export async function expectDisconnectRevokes(
  context: { readonly app: ProviderTestApp; readonly emulator: { readonly server: EmulatorServer } },
  preset: string,
  signedIn: { readonly browser: TestBrowser; readonly userId: string },
  revocation: RevocationCount = {},
): Promise<StoredToken> {
  const { app, emulator } = context;
  const counter = revocation.counter ?? 'revoke';
  const stored = await app.runtime.tokenStore.findToken(signedIn.userId, preset);
  expect(stored).toBeDefined();
  const before = emulator.server.counts[counter] ?? 0;
  expect(await disconnectThrough(signedIn.browser, preset)).toEqual({ disconnected: true, revokedAtProvider: true });
  if (revocation.requests === undefined) expect(emulator.server.counts[counter]).toBeGreaterThan(before);
  else expect(emulator.server.counts[counter]).toBe(before + revocation.requests);
  expect(await app.runtime.tokenStore.findToken(signedIn.userId, preset)).toBeUndefined();
  return stored!;
}
