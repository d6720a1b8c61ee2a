import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as oidc from 'openid-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { discoverTestClient, oauthErrorOf, signIn, TEST_CLIENT } from '../../test/dev-provider/sign-in.js';
import { startDevProvider } from './dev-provider.js';
import { STATE_FILE_NAME } from './file-adapter.js';
import { KEYS_FILE_NAME } from './keys.js';

describe('dev provider with dataDir', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dev-provider-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('accepts the previous refresh and access tokens after a restart on the same port', async () => {
    const first = await startDevProvider({ port: 0, clients: [TEST_CLIENT], dataDir });
    const { port, issuer } = first;
    const firstConfig = await discoverTestClient(issuer);
    const { tokens } = await signIn(firstConfig);
    const firstJwks = await (await fetch(`${issuer}/jwks`)).json();
    await first.close();

    const second = await startDevProvider({ port, clients: [TEST_CLIENT], dataDir });
    try {
      expect(second.issuer).toBe(issuer);
      expect(await (await fetch(`${issuer}/jwks`)).json()).toEqual(firstJwks);

      const api = await fetch(`${issuer}/api/profile`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(api.status).toBe(200);

      const config = await discoverTestClient(issuer);
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      expect(second.stats.refreshTokenGrants).toBe(1);
      // Reuse detection survives the restart too.
      expect(await oauthErrorOf(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
    } finally {
      await second.close();
    }
  });

  it('keeps its key and state files private (0600) and reuses the keys', async () => {
    const first = await startDevProvider({ port: 0, clients: [TEST_CLIENT], dataDir });
    await signIn(await discoverTestClient(first.issuer));
    await first.close();

    for (const name of [KEYS_FILE_NAME, STATE_FILE_NAME]) {
      expect((await stat(join(dataDir, name))).mode & 0o777, name).toBe(0o600);
    }
    const keysBefore = await readFile(join(dataDir, KEYS_FILE_NAME), 'utf8');
    const second = await startDevProvider({ port: 0, clients: [TEST_CLIENT], dataDir });
    await second.close();
    expect(await readFile(join(dataDir, KEYS_FILE_NAME), 'utf8')).toBe(keysBefore);
  });

  it('refuses to start on a damaged keys file, naming it', async () => {
    await writeFile(join(dataDir, KEYS_FILE_NAME), '{"jwks":', { mode: 0o600 });
    await expect(startDevProvider({ port: 0, clients: [TEST_CLIENT], dataDir })).rejects.toThrow(KEYS_FILE_NAME);
  });

  it('forgets everything between restarts without a dataDir', async () => {
    const first = await startDevProvider({ port: 0, clients: [TEST_CLIENT] });
    const { port, issuer } = first;
    const { tokens } = await signIn(await discoverTestClient(issuer));
    await first.close();

    const second = await startDevProvider({ port, clients: [TEST_CLIENT] });
    try {
      const config = await discoverTestClient(issuer);
      expect(await oauthErrorOf(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
    } finally {
      await second.close();
    }
  });
});
