// The bluesky preset through the library and tokenkeeper/fastify, as a host app uses it: the plugin serves the client
// metadata document at the URL the host gives as clientId, and signs people in at the emulated entryway, or, by
// their handle, at their own PDS's authorization server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenkeeper, type Tokenkeeper } from '../src/library/index.js';
import { TestBrowser } from './support/browser.js';
import { PluginHost } from './support/plugin-host.js';
import { APP_ORIGIN, TEST_ENCRYPTION_KEY } from './support/test-app.js';
import { randomPlcDid, startBlueskyEmulator, type BlueskyEmulator } from './providers/bluesky.emulator.js';

const CLIENT_ID = `${APP_ORIGIN}/auth/bluesky/client-metadata.json`;

describe('Bluesky through the library and tokenkeeper/fastify', () => {
  let entryway: BlueskyEmulator;
  let tokenkeeper: Tokenkeeper;
  const host = new PluginHost();
  const { signIns, fetch: hostFetch } = host;
  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-bluesky-'));

  beforeAll(async () => {
    entryway = await startBlueskyEmulator({ fetchClientMetadata: (url) => hostFetch(url) });
    tokenkeeper = await createTokenkeeper({
      database: `sqlite:${join(folder, 'app.db')}`,
      encryptionKeys: [TEST_ENCRYPTION_KEY],
      providers: { bluesky: { preset: 'bluesky', clientId: CLIENT_ID, issuer: entryway.issuer, plcUrl: entryway.plc.origin } },
      resolveUser: (identity) => `host-${identity.subject}`,
    });
    await host.serve(tokenkeeper);
  });
  afterAll(async () => {
    await host.close();
    await tokenkeeper?.close();
    await entryway?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("the plugin serves the document at the host's clientId, with its callback; the library's signIn.clientMetadata is the same", async () => {
    const answer = await host.app.inject({ method: 'GET', url: '/auth/bluesky/client-metadata.json' });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ client_id: CLIENT_ID, redirect_uris: [`${APP_ORIGIN}/auth/bluesky/callback`], token_endpoint_auth_method: 'none', dpop_bound_access_tokens: true });
    expect(tokenkeeper.signIn.clientMetadata('bluesky', { redirectUri: `${APP_ORIGIN}/auth/bluesky/callback` })).toEqual(answer.json());
  });

  it('signs a person in at the entryway, and one on a self-hosted PDS, by their handle, at its own authorization server', async () => {
    const ada = { did: randomPlcDid(), handle: 'ada.bsky.test', displayName: 'Ada', email: 'ada@mail.test', emailConfirmed: true };
    entryway.signInAs(ada);
    const browser = new TestBrowser({ fetch: hostFetch });
    expect((await browser.get(`${APP_ORIGIN}/auth/bluesky/login`)).url).toBe(`${APP_ORIGIN}/`);
    expect(signIns.at(-1)).toMatchObject({ user: { externalId: `host-${ada.did}` }, connection: { provider: 'bluesky', status: 'active' } });
    expect(entryway.parForms.at(-1)!.get('client_id')).toBe(CLIENT_ID);

    const selfHosted = await startBlueskyEmulator({ fetchClientMetadata: (url) => hostFetch(url) });
    try {
      const carol = { did: randomPlcDid(), handle: 'carol.example.org', displayName: 'Carol', email: 'carol@mail.test', emailConfirmed: true };
      entryway.movePds(carol, selfHosted.pds.origin);
      selfHosted.signInAs(carol);
      const landed = await new TestBrowser({ fetch: hostFetch }).get(`${APP_ORIGIN}/auth/bluesky/login?login_hint=carol.example.org`);
      expect(landed.url).toBe(`${APP_ORIGIN}/`);
      expect(signIns.at(-1)).toMatchObject({ user: { externalId: `host-${carol.did}` } });
      expect(selfHosted.server.counts.authorization_code).toBe(1);
      const calls = await tokenkeeper.fetch({ externalId: `host-${carol.did}` }, 'bluesky', `/xrpc/com.atproto.repo.listRecords?repo=${carol.did}&collection=app.bsky.feed.post`);
      expect(calls.status).toBe(200);
      expect(selfHosted.server.counts.list_records).toBeGreaterThan(0);
    } finally {
      await selfHosted.close();
    }
  });

  it('signIn.clientMetadata of a provider not configured throws unknown_provider', () => {
    expect(() => tokenkeeper.signIn.clientMetadata('github', { redirectUri: `${APP_ORIGIN}/cb` })).toThrow(expect.objectContaining({ code: 'unknown_provider' }));
  });
});
