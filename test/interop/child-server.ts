// What the interop suites' servers (Django OAuth Toolkit, Glewlwyd, LemonLDAP::NG) share as
// child processes of the test run: the blocks that need one installed,
// skipped with one notice where it is not but failing when CI=true; waiting
// until it answers; and stopping it, its state folder deleted.
import type { ChildProcess } from 'node:child_process';
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
