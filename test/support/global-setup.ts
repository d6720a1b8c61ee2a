// vitest globalSetup: finds or starts a PostgreSQL server for the test run and
// hands its URL to the tests through provide/inject ('postgresUrl').
//
// Order: TEST_DATABASE_URL; else a throwaway cluster from a local PostgreSQL
// install (initdb in a temp folder, deleted at teardown); else none — an error
// in CI (CI=true), otherwise PostgreSQL tests are skipped with one notice.

// Loads vitest's types so the ProvidedContext augmentation below has a module to merge into
// (without it TypeScript 7 reports "module 'vitest' cannot be found").
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { findPostgresBinDir, startThrowawayCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a PostgreSQL server whose user may CREATE DATABASE; null when there is none. */
    postgresUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL;
  if (external !== undefined && external !== '') {
    project.provide('postgresUrl', external);
    console.log('PostgreSQL tests use TEST_DATABASE_URL');
    return async () => {};
  }

  const binDir = findPostgresBinDir();
  if (binDir === undefined) {
    if (process.env.CI === 'true') {
      throw new Error('PostgreSQL is required in CI: set TEST_DATABASE_URL or install postgresql');
    }
    console.warn('PostgreSQL not found: PostgreSQL tests are skipped (set TEST_DATABASE_URL or install postgresql)');
    project.provide('postgresUrl', null);
    return async () => {};
  }

  const cluster = await startThrowawayCluster(binDir);
  // If the run dies without calling teardown, still stop the server.
  const stopOnExit = () => cluster.stop();
  process.once('exit', stopOnExit);
  project.provide('postgresUrl', cluster.url);
  console.log(`PostgreSQL tests use a throwaway PostgreSQL ${cluster.version} cluster at ${cluster.url}`);
  return async () => {
    process.off('exit', stopOnExit);
    cluster.stop();
  };
}
