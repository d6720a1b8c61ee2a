// What the interop suites' servers (Django OAuth Toolkit, Glewlwyd,
// LemonLDAP::NG, Doorkeeper, Authlib) share as child processes of the test
// run: the blocks that need one installed, skipped with one notice where it
// is not but failing when CI=true; the arguments of their setup; starting
// one and waiting until it answers; reading its request counts; and
// stopping it, its state folder deleted.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { describe, it } from 'vitest';
import { DIALECTS, type TestDialect } from '../support/postgres.js';

export interface InteropServer {
  /** As the test names and messages call it. */
  name: string;
  installed(): boolean;
  /** What is missing and how to install it, for the CI failure. */
  missing: string;
  /** The notice shown once when the suites are skipped. */
  skipNotice: string;
}

const noticesShown = new Set<string>();

/** describeEachDialect for tests that need `server`: skipped with one notice when it is not installed, but failing when CI=true. */
export function describeEachDialectWith(server: InteropServer, title: string, body: (dialect: TestDialect) => void): void {
  const installed = server.installed();
  if (!installed && process.env.CI === 'true') {
    describe(title, () => {
      it(`needs ${server.name}`, () => {
        throw new Error(`${server.name} is required in CI: ${server.missing}`);
      });
    });
  } else if (!installed && !noticesShown.has(server.name)) {
    noticesShown.add(server.name);
    console.warn(server.skipNotice);
  }
  for (const dialect of DIALECTS) describe.skipIf(!installed || !dialect.available)(`${title} [${dialect.name}]`, () => body(dialect));
}

/** Polls `url` until it answers 2xx (30 s at most), failing with the server's `output` when it exits or never answers. */
export async function waitUntilAnswering(name: string, url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output()}`);
    const ok = await fetch(url).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not answer ${url} within 30 s:\n${output()}`);
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the child has exited. */
export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Stops `child`, when one was started, and deletes the server's `stateDir`: what close() does, and what a start that failed does before it throws. */
export async function stopAndRemove(child: ChildProcess | undefined, stateDir: string): Promise<void> {
  if (child) await stop(child);
  rmSync(stateDir, { recursive: true, force: true });
}

/**
 * Starts `command` with its output kept (the last 20 kB, for the error when it does not start) and waits until
 * `readyUrl` answers; one that does not is stopped before the error is thrown.
 */
export async function startChildServer(name: string, command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; readyUrl: string }): Promise<ChildProcess> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  try {
    await waitUntilAnswering(name, options.readyUrl, child, () => output);
  } catch (error) {
    await stop(child);
    throw error;
  }
  return child;
}

/** The request counts a test server of `test/interop/` keeps at `${origin}/test/counts`. */
export async function countsAt(name: string, origin: string): Promise<Record<string, number>> {
  const response = await fetch(`${origin}/test/counts`);
  if (!response.ok) throw new Error(`${name}'s /test/counts answered ${response.status}`);
  return (await response.json()) as Record<string, number>;
}

/** The client and users a test server's setup makes: one client with one redirect URI, and users who share a password. */
export interface InteropSetup {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  password: string;
  usernames: string[];
}

/** A test server started for one suite, with its users and the requests it counted. */
export interface CountedServer {
  /** http://127.0.0.1:<port>. */
  origin: string;
  /** Each user's `sub`. */
  subjects: Record<string, string>;
  /** Its SQLite database file. */
  databasePath: string;
  /** Requests its token and revocation endpoints received: `token:<grant_type>`, `token:<grant_type>:<status>`, `revoke`, `revoke:<status>`. */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** The setup as its command's arguments: `--client-id=…`, `--client-secret=…`, `--redirect-uri=…`, `--password=…`, then the usernames. */
export function setupArguments(options: InteropSetup): string[] {
  return [`--client-id=${options.clientId}`, `--client-secret=${options.clientSecret}`, `--redirect-uri=${options.redirectUri}`, `--password=${options.password}`, ...options.usernames];
}
