/**
 * Disconnecting at a provider that documents no revocation (or none the app
 * uses), checked the same way at every such provider: the account page's
 * disconnect answers `revokedAtProvider: false`, the provider is sent no
 * request at all, and the stored token is deleted. What else a provider's
 * test shows (that the token still works there, that a teammate's
 * connection is untouched) stays in its own test.
 */
import { expect } from 'vitest';
import type { TestBrowser } from '../../support/browser.js';
import type { EmulatorServer } from './emulator-server.js';
import { disconnectThrough, type ProviderTestApp } from './provider-app.js';

/** Disconnects the person signed in with `signedIn.browser` from `preset` and checks the outcome above; counts the provider's requests from when it is called. */
export async function expectDisconnectAsksNothing(
  context: { readonly app: ProviderTestApp; readonly emulator: { readonly server: EmulatorServer } },
  preset: string,
  signedIn: { readonly browser: TestBrowser; readonly userId: string },
): Promise<void> {
  const { app, emulator } = context;
  const requests = emulator.server.requests.length;
  expect(await disconnectThrough(signedIn.browser, preset)).toEqual({ disconnected: true, revokedAtProvider: false });
  expect(emulator.server.requests.length).toBe(requests);
  expect(await app.runtime.tokenStore.findToken(signedIn.userId, preset)).toBeUndefined();
}
