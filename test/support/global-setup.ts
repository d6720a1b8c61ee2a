// vitest globalSetup: finds or starts a PostgreSQL server for the test run and
// hands its URL to the tests through provide/inject ('postgresUrl').
//
// Order: TEST_DATABASE_URL; else a throwaway cluster from a local PostgreSQL
// install (initdb in a temp folder, deleted at teardown); else none — an error
// in CI (CI=true), otherwise PostgreSQL tests are skipped with one notice.
//
// Every temporary file of the run goes in one folder, removed at teardown:
// TMPDIR points there for the test workers and every process they start, so
// a test that leaves its folder behind leaves nothing in the system's /tmp.

// Loads vitest's types so the ProvidedContext augmentation below has a module to merge into
// (without it TypeScript 7 reports "module 'vitest' cannot be found").
import type {} from 'vitest';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findPostgresBinDir, startThrowawayCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a PostgreSQL server whose user may CREATE DATABASE; null when there is none. */
    postgresUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runFolder = mkdtempSync(join(tmpdir(), 'tokenkeeper-tests-'));
  // Others may pass through (not list or write): a PostgreSQL cluster runs as its own user in a folder of its own here.
  chmodSync(runFolder, 0o711);
  process.env.TMPDIR = runFolder;
  const removeRunFolder = () => rmSync(runFolder, { recursive: true, force: true });
  const stopPostgres = await providePostgres(project).catch((error: unknown) => {
    removeRunFolder();
    throw error;
  });
  // If the run dies without calling teardown, still stop the server and clear the folder.
  const onExit = () => {
    stopPostgres();
    removeRunFolder();
  };
  process.once('exit', onExit);
  return async () => {
    process.off('exit', onExit);
    onExit();
  };
}

/** Provides 'postgresUrl'; returns what stops the server it started, if any. */
async function providePostgres(project: TestProject): Promise<() => void> {
  const external = process.env.TEST_DATABASE_URL;
  if (external !== undefined && external !== '') {
    project.provide('postgresUrl', external);
    console.log('PostgreSQL tests use TEST_DATABASE_URL');
    return () => {};
  }

  const binDir = findPostgresBinDir();
  if (binDir === undefined) {
    if (process.env.CI === 'true') {
      throw new Error('PostgreSQL is required in CI: set TEST_DATABASE_URL or install postgresql');
    }
    console.warn('PostgreSQL not found: PostgreSQL tests are skipped (set TEST_DATABASE_URL or install postgresql)');
    project.provide('postgresUrl', null);
    return () => {};
  }

  const cluster = await startThrowawayCluster(binDir);
  project.provide('postgresUrl', cluster.url);
  console.log(`PostgreSQL tests use a throwaway PostgreSQL ${cluster.version} cluster at ${cluster.url}`);
  return () => cluster.stop();
}
