/**
 * Runs one of examples/ the way a developer would after `npm install` in its
 * folder, with no network: a temporary copy of the example whose
 * node_modules links `tokenkeeper` to this repository (built: the package's
 * exports point at dist/) and every other dependency to this repository's
 * node_modules. The example's `npm start` is `node <main>`; it starts the dev
 * provider in its own process.
 *
 *   const example = await startExample('express');
 *   const page = await signInToExample(example, 'alice');   // the example's home page after the sign-in
 *   await example.stop();
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestBrowser, type BrowserResponse } from './browser.js';
import { ensureBuilt, freePorts, spawnServer, type SpawnedServer } from './server-processes.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningExample extends SpawnedServer {
  /** The origin the example calls itself by (its redirect URI's). */
  baseUrl: string;
  /** Where its dev provider listens. */
  providerOrigin: string;
  /** The example's folder (its ./data, for a look at what it stored). */
  folder: string;
}

interface ExamplePackage {
  main?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
}

/** Links `name` in `folder`/node_modules to `target`, making the scope folder of a scoped package. */
function link(folder: string, name: string, target: string): void {
  const path = join(folder, 'node_modules', name);
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path, 'dir');
}

/**
 * Makes `folder` look as if `npm install` had installed `dependencies` there:
 * node_modules links `tokenkeeper` to this repository (build it first:
 * ensureBuilt) and every other package to this repository's node_modules.
 */
export function linkDependencies(folder: string, dependencies: readonly string[], what: string): void {
  for (const dependency of dependencies) {
    const target = dependency === 'tokenkeeper' ? REPO_ROOT : join(REPO_ROOT, 'node_modules', dependency);
    if (!existsSync(target)) throw new Error(`${what} depends on ${dependency}, which this repository's node_modules lacks: add it to the devDependencies`);
    link(folder, dependency, target);
  }
}

/** Starts examples/<name> on free ports; resolves once it answers HTTP. */
export async function startExample(name: string, env: Record<string, string> = {}): Promise<RunningExample> {
  await ensureBuilt();
  const source = join(REPO_ROOT, 'examples', name);
  const folder = mkdtempSync(join(tmpdir(), `tokenkeeper-example-${name}-`));
  cpSync(source, folder, { recursive: true, filter: (path) => !/\/(node_modules|data)(\/|$)/.test(path.slice(source.length)) });
  const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as ExamplePackage;
  linkDependencies(folder, Object.keys(pkg.dependencies ?? {}), `examples/${name}`);
  const start = pkg.scripts?.start ?? '';
  const main = /^node (\S+)$/.exec(start)?.[1];
  if (!main) throw new Error(`examples/${name}/package.json: "start" must be "node <file>" (got "${start}")`);

  const [port, providerPort] = (await freePorts(2)) as [number, number];
  const baseUrl = `http://localhost:${port}`;
  const server = spawnServer({
    name: `examples/${name}`,
    nodeArgs: [main],
    env: { BASE_URL: baseUrl, DEV_PROVIDER_PORT: String(providerPort), ...env },
    cwd: folder,
    port,
    onExit: () => rmSync(folder, { recursive: true, force: true }),
  });
  await server.ready(60_000, { anyAnswer: true });
  return { ...server, baseUrl, providerOrigin: `http://localhost:${providerPort}`, folder };
}

/**
 * Signs `username` in to the example as a person would: its home page's
 * sign-in link, the dev provider's login and consent pages, back through
 * the example's callback. Returns the page it lands on, and the browser
 * (signed in) for further requests.
 */
export async function signInToExample(example: RunningExample, username: string): Promise<{ page: BrowserResponse; browser: TestBrowser }> {
  const browser = new TestBrowser();
  const home = await browser.get(`${example.baseUrl}/`);
  const href = /href="([^"]*\/login[^"]*)"/.exec(home.text)?.[1];
  if (!href) throw new Error(`the example's home page has no sign-in link (href containing /login):\n${home.text}`);
  const login = await browser.get(new URL(href.replaceAll('&amp;', '&'), example.baseUrl).href);
  if (!login.text.includes('name="password"')) throw new Error(`expected the dev provider's login page, got ${login.status} at ${login.url}`);
  const afterLogin = await browser.submitForm(login, { username, password: username });
  const page = afterLogin.url.startsWith(example.baseUrl) ? afterLogin : await browser.submitForm(afterLogin);
  return { page, browser };
}
