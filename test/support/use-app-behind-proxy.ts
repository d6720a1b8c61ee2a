// For a describe block whose tests each walk their own time: the dev
// provider behind a fault proxy (support/provider-behind-proxy.ts), started
// before the block and closed after it, and for every test a new clock and a
// new app and database on that clock, using that provider, with `env` (a
// function: called for each test's app). The proxy's faults and counts are
// cleared after each test.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { testClock, type TestClock } from './clock.js';
import type { TestDialect } from './postgres.js';
import { startProviderBehindProxy } from './provider-behind-proxy.js';
import { useTestApp, type UsedTestApp } from './use-test-app.js';

export type ProviderBehindProxy = Awaited<ReturnType<typeof startProviderBehindProxy>>;

export interface AppBehindProxy extends UsedTestApp {
  /** The provider and its proxy; only in the block's tests and hooks. */
  behind(): ProviderBehindProxy;
  /** The test's clock, the app's `now`; only in the block's tests and hooks. */
  clock(): TestClock;
}

export function useAppBehindProxy(dialect: TestDialect, env: () => Record<string, string>): AppBehindProxy {
  let behind: ProviderBehindProxy | undefined;
  let clock: TestClock | undefined;
  beforeAll(async () => {
    behind = await startProviderBehindProxy();
  });
  afterAll(() => behind?.close());
  beforeEach(() => {
    clock = testClock();
  });
  const { app, database } = useTestApp(dialect, () => ({ sharedProvider: behind!.provider, env: env(), now: () => clock!.now() }), { perTest: true });
  afterEach(() => behind?.proxy.clear());
  return { app, database, behind: () => present(behind, 'provider behind its proxy'), clock: () => present(clock, 'clock') };
}

function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`useAppBehindProxy: no ${what} here; it exists only in the tests and hooks of the describe block that called useAppBehindProxy`);
  return value;
}
