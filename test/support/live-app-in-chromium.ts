import { afterAll, beforeAll } from 'vitest';
import { launchChromium, type LaunchChromiumOptions, type LaunchedChromium } from './chromium.js';
import { startLiveApp, type LiveApp } from './live-app.js';
import { DIALECTS, type TestDatabase } from './postgres.js';

/**
 * For a describeBrowser block: the app listening on a fresh SQLite database
 * (startLiveApp) and a Chromium to drive it, started before the block's tests
 * and closed after them.
 */
export function useLiveAppInChromium(chromiumOptions: LaunchChromiumOptions = {}): { app: () => LiveApp; chromium: () => LaunchedChromium } {
  let database: TestDatabase | undefined;
  let app: LiveApp | undefined;
  let chromium: LaunchedChromium | undefined;
  beforeAll(async () => {
    database = await DIALECTS.find((dialect) => dialect.name === 'sqlite')!.openTestDatabase({ migrate: false });
    app = await startLiveApp({ databaseUrl: database.url });
    chromium = await launchChromium(chromiumOptions);
  });
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
    await database?.close();
  });
  return { app: () => app!, chromium: () => chromium! };
}
