// The set-up of the proxy's tests: an echo API (support/echo-api.ts) as the
// toolkit provider's API base (`<origin>/v1`), the test app of the describe
// block pointed at it (with any more `env`), and alice signed in there:
//
//   describe('the proxy', () => {
//     const { app, api, alice } = useEchoApiApp();
//     it('…', async () => { … alice().cookie … api().requests … });
//   });
//
// Registers the hooks in that order (the API before the app, the sign-in
// after it); the API is closed after the block.
import { afterAll, beforeAll } from 'vitest';
import { startEchoApi, type EchoApi } from './echo-api.js';
import { DIALECTS, type TestDialect } from './postgres.js';
import { signedInUser, type SignedInUser } from './signed-in.js';
import type { TestApp } from './test-app.js';
import { useTestApp } from './use-test-app.js';

export interface EchoApiApp {
  /** The running app; throws outside the block's tests and later hooks. */
  app(): TestApp;
  /** The echo API behind the proxy. */
  api(): EchoApi;
  /** alice, signed in to the app. */
  alice(): SignedInUser;
}

export function useEchoApiApp(options: { env?: Record<string, string>; dialect?: TestDialect } = {}): EchoApiApp {
  let api: EchoApi | undefined;
  let alice: SignedInUser | undefined;
  beforeAll(async () => {
    api = await startEchoApi();
  });
  afterAll(() => api?.close());
  const { app } = useTestApp(options.dialect ?? DIALECTS[0]!, () => ({ env: { TOOLKIT_API_BASE_URL: `${api!.origin}/v1`, ...options.env } }));
  beforeAll(async () => {
    alice = await signedInUser(app(), 'alice');
  });
  return { app, api: () => present(api, 'echo API'), alice: () => present(alice, 'alice') };
}

function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`useEchoApiApp: no ${what} here; it exists only in the tests and later hooks of the describe block that called useEchoApiApp`);
  return value;
}
