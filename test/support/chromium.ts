// Real-browser tests: playwright-core driving Debian's Chromium (never a
// downloaded browser).
//
//   describeBrowser('sign-in in Chromium', () => {
//     let chromium: LaunchedChromium;
//     beforeAll(async () => { chromium = await launchChromium(); });
//     afterAll(() => chromium?.close());
//     it('…', async () => {
//       const page = await chromium.newPage();
//       await page.goto(app.origin);
//       await saveScreenshot(page, 'home');   // test-artifacts/home.png
//     });
//   });
//
// Without Chromium the tests are skipped locally (with one notice) and fail
// in CI (CI=true).
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, it } from 'vitest';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Headless, and quiet on the network: without the background-networking
 * flags Chromium tries to reach Google's hosts at every start, which this
 * machine's closed network refuses.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where saveScreenshot() writes (git-ignored). */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts');

const SKIP_NOTICE = 'Chromium not found: browser tests are skipped (apt-get install chromium)';

/** CHROMIUM_PATH when set, else /usr/bin/chromium. */
export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  return configured !== undefined && configured !== '' ? configured : DEFAULT_CHROMIUM_PATH;
}

/** True when chromiumPath() is an executable file. */
export function chromiumAvailable(): boolean {
  try {
    accessSync(chromiumPath(), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface LaunchedChromium {
  /** The browser's one context (cookies and storage live here, in userDataDir). */
  context: BrowserContext;
  /** The fresh profile folder of this launch; deleted by close(). */
  userDataDir: string;
  /** A new tab. */
  newPage(): Promise<Page>;
  /** Closes the browser, waits for its process to end, and deletes the profile folder. */
  close(): Promise<void>;
}

export interface LaunchChromiumOptions {
  /** Default 1280×800. */
  viewport?: { width: number; height: number };
}

/**
 * Starts Chromium with CHROMIUM_ARGS and a new, empty profile in a temporary
 * folder (playwright-core refuses a `--user-data-dir` argument, so the folder
 * is given to launchPersistentContext instead).
 */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<LaunchedChromium> {
  if (!chromiumAvailable()) throw new Error(`Chromium not found at ${chromiumPath()} (apt-get install chromium, or set CHROMIUM_PATH)`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'tokenkeeper-chromium-'));
  const removeProfile = () => rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath(),
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: options.viewport ?? { width: 1280, height: 800 },
      timeout: 30_000,
    });
  } catch (error) {
    removeProfile();
    throw error;
  }
  // A persistent context opens with one blank tab; newPage() hands it out first.
  let spareTab: Page | undefined = context.pages()[0];
  let closed = false;
  return {
    context,
    userDataDir,
    async newPage() {
      const page = spareTab ?? (await context.newPage());
      spareTab = undefined;
      return page;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        removeProfile();
      }
    },
  };
}

/** Per test in describeBrowser (the suite's default is 30 s). */
export const BROWSER_TEST_TIMEOUT_MS = 60_000;

let noticeShown = false;

/**
 * `describe(title, body)` that needs Chromium: skipped with one notice when
 * it is missing, but failing when CI=true.
 */
export function describeBrowser(title: string, body: () => void): void {
  if (chromiumAvailable()) {
    // A browser is slow to start and navigate on a busy 2-core machine running the whole suite.
    describe(title, { timeout: BROWSER_TEST_TIMEOUT_MS }, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(title, () => {
      it('needs Chromium', () => {
        throw new Error(`Chromium is required in CI: ${chromiumPath()} is missing (apt-get install chromium, or set CHROMIUM_PATH)`);
      });
    });
    return;
  }
  if (!noticeShown) {
    noticeShown = true;
    console.warn(SKIP_NOTICE);
  }
  describe.skip(title, body);
}

/** A full-page PNG at test-artifacts/<name>.png; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const safeName = name.replace(/[^A-Za-z0-9._-]+/g, '-');
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${safeName}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
