import * as oidc from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { discoverTestClient, signIn, TEST_CLIENT } from '../../test/dev-provider/sign-in.js';
import { DEMO_ACCOUNTS } from './accounts.js';
import { startDevProvider } from './dev-provider.js';
import type { DevProvider } from './types.js';

const alice = DEMO_ACCOUNTS.find((account) => account.username === 'alice')!;
const mallory = DEMO_ACCOUNTS.find((account) => account.username === 'mallory')!;

describe('protected API', () => {
  let devProvider: DevProvider;
  let config: oidc.Configuration;
  let aliceToken: string;

  const call = (path: string, init: RequestInit = {}) => fetch(`${devProvider.issuer}${path}`, init);
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    devProvider = await startDevProvider({ port: 0, clients: [TEST_CLIENT] });
    config = await discoverTestClient(devProvider.issuer);
    aliceToken = (await signIn(config)).tokens.access_token;
  });

  afterAll(async () => {
    await devProvider.close();
  });

  it("returns alice's profile for her access token", async () => {
    const response = await call('/api/profile', bearer(aliceToken));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      sub: alice.sub,
      name: 'Alice Liddell',
      email: 'alice@example.test',
      preferred_username: 'alice',
    });
  });

  it("returns alice's notes, and only hers", async () => {
    const response = await call('/api/notes', bearer(aliceToken));
    expect(response.status).toBe(200);
    const { notes } = (await response.json()) as { notes: Array<{ id: string; title: string; body: string }> };
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.every((note) => note.id.startsWith('alice-'))).toBe(true);
    expect(notes[0]).toEqual({ id: expect.any(String), title: expect.any(String), body: expect.any(String) });
  });

  it("returns mallory's hostile name as JSON data, unchanged", async () => {
    const { tokens } = await signIn(config, { username: 'mallory', password: 'mallory' });
    const profile = (await (await call('/api/profile', bearer(tokens.access_token))).json()) as { name: string; sub: string };
    expect(profile).toMatchObject({ sub: mallory.sub, name: '<img src=x onerror=alert(1)>' });
  });

  it('answers 401 without a token, with no error code (RFC 6750 §3.1)', async () => {
    const response = await call('/api/profile');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]+"$/);
    expect(await response.json()).toMatchObject({ error: 'unauthorized' });

    const basic = await call('/api/profile', { headers: { authorization: 'Basic YWxpY2U6YWxpY2U=' } });
    expect(basic.status).toBe(401);
  });

  it('answers 401 invalid_token for an unknown or malformed token', async () => {
    for (const authorization of ['Bearer not-a-real-token', 'Bearer a b', `Bearer ${aliceToken}x`]) {
      const response = await call('/api/profile', { headers: { authorization } });
      expect(response.status, authorization).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(await response.json()).toMatchObject({ error: 'invalid_token' });
    }
  });

  it('does not accept the token in the query string', async () => {
    const response = await call(`/api/profile?access_token=${aliceToken}`);
    expect(response.status).toBe(401);
  });

  it('answers 401 invalid_token once the token is revoked', async () => {
    const { tokens } = await signIn(config);
    expect((await call('/api/profile', bearer(tokens.access_token))).status).toBe(200);
    await oidc.tokenRevocation(config, tokens.access_token);
    const response = await call('/api/profile', bearer(tokens.access_token));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('answers 403 insufficient_scope for notes without notes:read', async () => {
    const { tokens } = await signIn(config, { scope: 'openid profile' });
    expect((await call('/api/profile', bearer(tokens.access_token))).status).toBe(200);
    const response = await call('/api/notes', bearer(tokens.access_token));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(response.headers.get('www-authenticate')).toContain('scope="notes:read"');
  });

  it('answers 404 JSON for other paths under /api and 405 for other methods', async () => {
    for (const path of ['/api', '/api/', '/api/nothing', '/api/profile/extra']) {
      const response = await call(path, bearer(aliceToken));
      expect(response.status, path).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'not_found' });
    }
    const post = await call('/api/notes', { method: 'POST', ...bearer(aliceToken) });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('counts every API request, answered or refused, in apiRequests', async () => {
    const before = devProvider.stats.apiRequests;
    await call('/api/profile', bearer(aliceToken));
    await call('/api/profile');
    await call('/api/nothing');
    expect(devProvider.stats.apiRequests).toBe(before + 3);
  });
});

describe('protected API token expiry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers 401 invalid_token once the access token has expired, and not a second before', async () => {
    const ttl = 60;
    const devProvider = await startDevProvider({ port: 0, clients: [TEST_CLIENT], accessTokenTtl: ttl });
    try {
      const config = await discoverTestClient(devProvider.issuer);
      // The provider's clock is Date (oidc-provider's and the store's expiry checks): moved on instead of waited out.
      vi.useFakeTimers({ toFake: ['Date'] });
      const { tokens } = await signIn(config);
      expect(tokens.expires_in).toBe(ttl);
      const profile = () => fetch(`${devProvider.issuer}/api/profile`, { headers: { authorization: `Bearer ${tokens.access_token}` } });

      vi.setSystemTime(Date.now() + (ttl - 1) * 1000);
      expect((await profile()).status).toBe(200);

      vi.setSystemTime(Date.now() + 1000);
      const response = await profile();
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(await response.json()).toMatchObject({ error: 'invalid_token' });
    } finally {
      await devProvider.close();
    }
  });
});
