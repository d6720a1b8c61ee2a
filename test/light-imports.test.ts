// Importing the library loads what it uses and no more: neither the web
// server (Fastify) nor the dev provider (oidc-provider), and of the two
// database drivers only the one the database URL names.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const probe = new URL('./support/module-probe.ts', import.meta.url).pathname;
const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-imports-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function loadedPackages(...args: string[]): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', probe, ...args], { cwd: new URL('..', import.meta.url).pathname, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as string[];
}

describe('what an import of the library loads', () => {
  it('(the probe sees both kinds of package: the server runtime loads Fastify, CommonJS, and oidc-provider, an ES module)', async () => {
    expect(await loadedPackages('server')).toContain('fastify');
    expect(await loadedPackages('dev-provider')).toContain('oidc-provider');
  });

  it('the main entry (tokenkeeper): openid-client, not Fastify, oidc-provider or a database driver', async () => {
    const loaded = await loadedPackages('library');
    expect(loaded).toContain('openid-client');
    for (const name of ['fastify', 'oidc-provider', 'pg', 'better-sqlite3']) expect(loaded, name).not.toContain(name);
  });

  it('createTokenkeeper on SQLite loads better-sqlite3, still not pg, Fastify or oidc-provider', async () => {
    const loaded = await loadedPackages('library', `sqlite:${join(folder, 'library.db')}`);
    expect(loaded).toContain('better-sqlite3');
    for (const name of ['fastify', 'oidc-provider', 'pg']) expect(loaded, name).not.toContain(name);
  });

  it('tokenkeeper/fastify: fastify-plugin and the client\'s errors, not Fastify itself (the host brings it), oidc-provider, Kysely or a driver', async () => {
    const loaded = await loadedPackages('fastify');
    expect(loaded).toContain('fastify-plugin');
    for (const name of ['fastify', 'oidc-provider', 'kysely', 'pg', 'better-sqlite3']) expect(loaded, name).not.toContain(name);
  });

  it('the client alone (createClient and the providers): not even Kysely', async () => {
    const loaded = await loadedPackages('client');
    expect(loaded).toContain('openid-client');
    for (const name of ['kysely', 'fastify', 'oidc-provider', 'pg', 'better-sqlite3']) expect(loaded, name).not.toContain(name);
  });

  it('tokenkeeper/service-client: no package at all (Node\'s fetch and crypto), so a backend that only calls the service API loads none of the server, database or OAuth client', async () => {
    // tsx and esbuild are the probe's own loader of TypeScript.
    expect((await loadedPackages('service-client')).filter((name) => !['tsx', 'esbuild'].includes(name))).toEqual([]);
  });

  it('tokenkeeper/db: no driver until a database is opened, then only the one its URL names', async () => {
    const imported = await loadedPackages('db');
    expect(imported).toContain('kysely');
    for (const name of ['pg', 'better-sqlite3', 'fastify', 'oidc-provider']) expect(imported, name).not.toContain(name);

    const sqlite = await loadedPackages('db', `sqlite:${join(folder, 'probe.db')}`);
    expect(sqlite).toContain('better-sqlite3');
    expect(sqlite).not.toContain('pg');
  });
});
