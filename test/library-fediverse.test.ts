// The fediverse preset through the library and tokenkeeper/fastify, as a host app uses it: the host names its
// callback route (providers.fediverse.redirectUri), which the app registers at each Mastodon server people sign in at,
// with the host's name; people sign in at the configured server or at one they name.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenkeeper, type Tokenkeeper } from '../src/library/index.js';
import { TestBrowser } from './support/browser.js';
import { PluginHost } from './support/plugin-host.js';
import { APP_ORIGIN, TEST_ENCRYPTION_KEY } from './support/test-app.js';
import { startMastodonEmulator, type MastodonEmulator } from './providers/mastodon.emulator.js';

const CALLBACK = `${APP_ORIGIN}/auth/fediverse/callback`;

describe('Mastodon on any server (fediverse) through the library and tokenkeeper/fastify', () => {
  let home: MastodonEmulator;
  let other: MastodonEmulator;
  let tokenkeeper: Tokenkeeper;
  const host = new PluginHost();
  const { signIns, fetch: hostFetch } = host;
  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-fediverse-'));
  const options = (fediverse: Record<string, unknown>) => ({
    database: `sqlite:${join(folder, 'app.db')}`,
    encryptionKeys: [TEST_ENCRYPTION_KEY],
    providers: { fediverse: fediverse as never },
  });

  beforeAll(async () => {
    home = await startMastodonEmulator();
    other = await startMastodonEmulator();
    tokenkeeper = await createTokenkeeper({
      ...options({ preset: 'fediverse', baseUrl: home.origin, redirectUri: CALLBACK }),
      resolveUser: (identity) => `host-${identity.subject}`,
    });
    await host.serve(tokenkeeper);
  });
  afterAll(async () => {
    await host.close();
    await tokenkeeper?.close();
    await Promise.all([home?.close(), other?.close()]);
    rmSync(folder, { recursive: true, force: true });
  });

  it("registers the host's callback at the configured server once, with the host's name, and signs people in there and at a server they name", async () => {
    const ada = { id: '2101', username: 'ada', displayName: 'Ada Lovelace' };
    home.signInAs(ada);
    expect((await new TestBrowser({ fetch: hostFetch }).get(`${APP_ORIGIN}/auth/fediverse/login`)).url).toBe(`${APP_ORIGIN}/`);
    expect(home.apps).toEqual([expect.objectContaining({ name: new URL(APP_ORIGIN).host, redirectUris: [CALLBACK], scopes: ['profile'], website: APP_ORIGIN })]);
    const adaSubject = `2101@${new URL(home.origin).host}`;
    expect(signIns.at(-1)).toMatchObject({ user: { externalId: `host-${adaSubject}` }, connection: { provider: 'fediverse', subject: adaSubject, status: 'active' } });

    const grace = { id: '2102', username: 'grace', displayName: 'Grace Hopper' };
    home.signInAs(grace);
    await new TestBrowser({ fetch: hostFetch }).get(`${APP_ORIGIN}/auth/fediverse/login`);
    expect(home.apps).toHaveLength(1);

    const carol = { id: '77', username: 'carol', displayName: 'Carol' };
    other.signInAs(carol);
    const named = await new TestBrowser({ fetch: hostFetch }).get(`${APP_ORIGIN}/auth/fediverse/login?login_hint=${encodeURIComponent(new URL(other.origin).host)}`);
    expect(named.url).toBe(`${APP_ORIGIN}/`);
    expect(other.apps).toEqual([expect.objectContaining({ redirectUris: [CALLBACK] })]);
    const carolSubject = `77@${new URL(other.origin).host}`;
    expect(signIns.at(-1)).toMatchObject({ connection: { subject: carolSubject } });

    // Her token calls the API of the server that issued it.
    const [homeCalls, otherCalls] = [home.server.counts.verify_credentials, other.server.counts.verify_credentials];
    const account = await tokenkeeper.fetch({ externalId: `host-${carolSubject}` }, 'fediverse', '/v1/accounts/verify_credentials');
    expect(account.status).toBe(200);
    expect(await account.json()).toMatchObject({ id: '77', username: 'carol' });
    expect([home.server.counts.verify_credentials, other.server.counts.verify_credentials]).toEqual([homeCalls, otherCalls! + 1]);
  });

  it('refuses a sign-in started with another callback than the one it registers', async () => {
    await expect(tokenkeeper.signIn.start('fediverse', { redirectUri: `${APP_ORIGIN}/elsewhere/callback` })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining(`redirectUri must be ${CALLBACK}`),
    });
  });

  it('refuses a sign-in asking for more than the scope it registers at each server, saying where to set it', async () => {
    await expect(tokenkeeper.signIn.start('fediverse', { redirectUri: CALLBACK, scope: 'read:statuses' })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('add read:statuses to it instead of asking at a sign-in'),
    });
    const started = await tokenkeeper.signIn.start('fediverse', { redirectUri: CALLBACK, scope: 'profile' });
    expect(new URL(started.url).searchParams.get('scope')).toBe('profile');
  });

  it('needs the callback for the fediverse preset, a URL, and refuses it for a preset with a client of its own', async () => {
    await expect(createTokenkeeper(options({ preset: 'fediverse', baseUrl: home.origin }))).rejects.toMatchObject({
      variable: 'providers.fediverse.redirectUri',
      message: expect.stringContaining('is missing'),
    });
    await expect(createTokenkeeper(options({ preset: 'fediverse', baseUrl: home.origin, redirectUri: '/auth/fediverse/callback' }))).rejects.toMatchObject({
      variable: 'providers.fediverse.redirectUri',
      message: expect.stringContaining('absolute http(s) URL of your callback route'),
    });
    await expect(createTokenkeeper(options({ preset: 'fediverse', baseUrl: home.origin, redirectUri: CALLBACK, clientId: 'mine' }))).rejects.toMatchObject({
      variable: 'providers.fediverse.clientId',
      message: expect.stringContaining('registers this app at each server'),
    });
    await expect(createTokenkeeper(options({ preset: 'github', clientId: 'id', clientSecret: 'secret', redirectUri: CALLBACK }))).rejects.toMatchObject({
      variable: 'providers.fediverse.redirectUri',
      message: expect.stringContaining('is not used'),
    });
  });
});
