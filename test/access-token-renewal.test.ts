// A provider that issues no refresh token but renews a live access token
// presented to it (the renewAccessToken hook; Instagram's kind), against a
// renewal endpoint on 127.0.0.1 and a real database: the token manager renews
// such a connection as it refreshes one with a refresh token (once under any
// storm, a refusal for good marking it needs re-auth, a fault backing off),
// and the keep-alive sweep renews it in its last week even when nobody uses it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ProviderUnavailableError, ReauthRequiredError } from '../src/client/errors.js';
import { AccessTokenRenewalRefused, type ProviderHooks } from '../src/client/provider-hooks.js';
import { ProviderRegistry } from '../src/client/provider-registry.js';
import type { ProviderSettings } from '../src/client/provider-settings.js';
import type { TokenEvent } from '../src/client/token-events.js';
import { TokenManager } from '../src/client/token-manager.js';
import { startRefreshKeepalive } from '../src/core/refresh-keepalive.js';
import { generateEncryptionKey, parseEncryptionKeys, TokenCipher } from '../src/db/token-cipher.js';
import { SqlTokenStore } from '../src/db/token-store.js';
import { createUser } from '../src/db/user.repository.js';
import { testClock, type TestClock } from './support/clock.js';
import { describeEachDialect, type TestDatabase } from './support/postgres.js';

const DAY = 86_400;
const LIFETIME = 60 * DAY;
/** The renewal endpoint takes a token only once it is this old (Instagram: 24 hours). */
const MIN_AGE = DAY;

describeEachDialect('access tokens renewed by the provider itself (renewAccessToken)', (dialect) => {
  let clock: TestClock;
  let server: Server;
  let origin: string;
  /** The tokens the endpoint knows: when each was issued, whether it was ended at the provider. */
  const issued = new Map<string, { at: number; ended: boolean }>();
  let renewals = 0;
  let failNext: number | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      renewals += 1;
      if (failNext !== undefined) {
        const status = failNext;
        failNext = undefined;
        return reply(status, { error: { message: 'Service temporarily unavailable', code: 2 } });
      }
      const presented = query.get('access_token') ?? '';
      const token = issued.get(presented);
      if (!token || token.ended || token.at + LIFETIME <= clock.now()) return reply(400, { error: { message: 'Error validating access token', code: 190 } });
      if (clock.now() - token.at < MIN_AGE) return reply(400, { error: { message: 'The access token is too young to be renewed', code: 100 } });
      const next = `at-${issued.size + 1}`;
      issued.set(next, { at: clock.now(), ended: false });
      reply(200, { access_token: next, token_type: 'bearer', expires_in: LIFETIME });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** The hook as a preset writes it: the live token presented, code 190 a refusal for good, anything else a fault. */
  const renewAccessToken: NonNullable<ProviderHooks['renewAccessToken']> = async ({ accessToken, send }) => {
    const answer = await send(`${origin}/renew?access_token=${encodeURIComponent(accessToken)}`, { method: 'GET', headers: {} });
    const body = (await answer.json()) as { error?: { message: string; code: number } };
    if (answer.ok) return body as Record<string, unknown>;
    if (body.error?.code === 190) throw new AccessTokenRenewalRefused(body.error.message);
    throw new ProviderUnavailableError('provider_error', `Renewer refused the renewal (${body.error?.message ?? answer.status}).`);
  };
  const settings = (): ProviderSettings => ({
    name: 'renewer',
    displayName: 'Renewer',
    clientId: 'client-1',
    clientSecret: 'secret-1',
    tokenEndpointAuthMethod: 'client_secret_post',
    endpoints: { authorizationEndpoint: `${origin}/authorize`, tokenEndpoint: `${origin}/token` },
    scope: 'basic',
    allowInsecureHttp: true,
    hooks: { renewAccessToken },
  });

  let database: TestDatabase;
  let store: SqlTokenStore;
  let tokens: TokenManager;
  let events: TokenEvent[];
  beforeAll(async () => {
    database = await dialect.openTestDatabase();
    store = new SqlTokenStore(database.db, new TokenCipher(parseEncryptionKeys(generateEncryptionKey())));
  });
  afterAll(() => database?.close());
  beforeEach(() => {
    clock = testClock();
    tokens = new TokenManager({ registry: new ProviderRegistry([settings()]), store, now: clock.now, leewaySeconds: 60 });
    events = [];
    tokens.on((event) => void events.push(event));
    failNext = undefined;
  });

  let people = 0;
  /** A person connected `ageSeconds` ago with a token of the provider's lifetime, and no refresh token. */
  async function connected(ageSeconds: number): Promise<{ userId: string; accessToken: string }> {
    const userId = (await createUser(database.db, { username: `renewed-${(people += 1)}`, dateJoined: clock.now() })).id;
    const accessToken = `at-first-${people}`;
    const at = clock.now() - ageSeconds;
    issued.set(accessToken, { at, ended: false });
    await store.saveTokenSet(userId, 'renewer', { accessToken, refreshToken: null, idToken: null, tokenType: 'bearer', scope: 'basic media', expiresAt: at + LIFETIME, issuedAt: at }, clock.now());
    return { userId, accessToken };
  }

  it('a token outside the leeway is used as it is; within it, 20 callers at once make one renewal, and all get the new token, stored with its lifetime, its type and scope kept', async () => {
    const { userId, accessToken } = await connected(LIFETIME - 3600);
    const before = renewals;
    expect((await tokens.getAccessToken(userId, 'renewer')).accessToken).toBe(accessToken);
    clock.advance(3600 - 30);
    const answers = await Promise.all(Array.from({ length: 20 }, () => tokens.getAccessToken(userId, 'renewer')));
    expect(renewals).toBe(before + 1);
    const renewed = answers[0]!.accessToken;
    expect(renewed).not.toBe(accessToken);
    expect(new Set(answers.map((answer) => answer.accessToken))).toEqual(new Set([renewed]));
    const stored = await store.findToken(userId, 'renewer');
    expect(stored).toMatchObject({ accessToken: renewed, refreshToken: null, tokenType: 'bearer', scope: 'basic media', expiresAt: clock.now() + LIFETIME, status: 'active' });
    expect(events.filter((event) => event.type === 'token.refreshed')).toEqual([expect.objectContaining({ userId, provider: 'renewer', refreshTokenRotated: false })]);
  });

  it('an access token the API refused is renewed at once, however much of its lifetime is left', async () => {
    const { userId, accessToken } = await connected(2 * DAY);
    const before = renewals;
    const renewed = await tokens.refresh(userId, 'renewer', { rejectedAccessToken: accessToken });
    expect(renewed.accessToken).not.toBe(accessToken);
    expect(renewals).toBe(before + 1);
  });

  it("a renewal refused for good (the token ended at the provider) marks the connection needs re-auth, with its event, and asks no more", async () => {
    const { userId, accessToken } = await connected(LIFETIME - 30);
    issued.get(accessToken)!.ended = true;
    const before = renewals;
    await expect(tokens.getAccessToken(userId, 'renewer')).rejects.toBeInstanceOf(ReauthRequiredError);
    await expect(tokens.getAccessToken(userId, 'renewer')).rejects.toBeInstanceOf(ReauthRequiredError);
    expect(renewals).toBe(before + 1);
    expect(await store.findToken(userId, 'renewer')).toMatchObject({ status: 'needs_reauth', accessToken });
    expect(events).toEqual([expect.objectContaining({ type: 'token.needs_reauth', userId, code: 'invalid_grant', message: 'Renewer refused to renew the access token: Error validating access token' })]);
  });

  it('a renewal the provider fails (or will not make yet) backs off, and the live token is used meanwhile', async () => {
    const { userId, accessToken } = await connected(LIFETIME - 30);
    failNext = 503;
    const before = renewals;
    expect((await tokens.getAccessToken(userId, 'renewer')).accessToken).toBe(accessToken);
    expect((await tokens.getAccessToken(userId, 'renewer')).accessToken).toBe(accessToken);
    expect(renewals).toBe(before + 1);
    expect(await store.findToken(userId, 'renewer')).toMatchObject({ status: 'active', accessToken });
    expect(events).toEqual([expect.objectContaining({ type: 'token.refresh_failed', userId, code: 'provider_error' })]);
  });

  it('the keep-alive sweep renews each connection whose token ends within a week, used or not; marks one that ended needs re-auth; leaves the rest', async () => {
    const sweep = startRefreshKeepalive({ store, tokens, logger: pino({ level: 'silent' }), now: clock.now, providers: [settings()], jitterMs: 0, scheduled: false });
    try {
      // Every renewing connection an earlier test stored has ended by now: the counts start from the next sweep.
      await sweep.sweep();
      const later = await connected(LIFETIME - 8 * DAY);
      const due = await connected(LIFETIME - 6 * DAY);
      const ended = await connected(LIFETIME - 6 * DAY);
      issued.get(ended.accessToken)!.ended = true;
      const before = renewals;
      expect(await sweep.sweep()).toEqual({ due: 2, refreshed: 1, alreadyRenewed: 0, failed: 0, ended: 1, checked: 0, refused: 0 });
      expect(renewals).toBe(before + 2);
      const renewed = await store.findToken(due.userId, 'renewer');
      expect(renewed).toMatchObject({ status: 'active', expiresAt: clock.now() + LIFETIME });
      expect(renewed!.accessToken).not.toBe(due.accessToken);
      expect(await store.findToken(ended.userId, 'renewer')).toMatchObject({ status: 'needs_reauth' });
      expect(await store.findToken(later.userId, 'renewer')).toMatchObject({ status: 'active', accessToken: later.accessToken });
      expect(await sweep.sweep()).toMatchObject({ due: 0, refreshed: 0, ended: 0 });
      expect(renewals).toBe(before + 2);
    } finally {
      await sweep.stop();
    }
  });

  it('two servers sweeping at once renew a connection once', async () => {
    const servers = [tokens, new TokenManager({ registry: new ProviderRegistry([settings()]), store, now: clock.now, leewaySeconds: 60 })];
    const sweeps = servers.map((manager) => startRefreshKeepalive({ store, tokens: manager, logger: pino({ level: 'silent' }), now: clock.now, providers: [settings()], jitterMs: 0, scheduled: false }));
    try {
      await Promise.all(sweeps.map((job) => job.sweep()));
      const due = await connected(LIFETIME - 2 * DAY);
      const before = renewals;
      const results = await Promise.all(sweeps.map((job) => job.sweep()));
      expect(renewals).toBe(before + 1);
      expect(results.map((result) => result.refreshed).sort()).toEqual([0, 1]);
      // The other server found it renewed already, or (on a busy machine, listing it after the renewal's commit) not due at all.
      const total = (key: 'due' | 'alreadyRenewed' | 'failed') => results.reduce((sum, result) => sum + result[key], 0);
      expect(total('failed')).toBe(0);
      expect(total('due')).toBe(1 + total('alreadyRenewed'));
      expect((await store.findToken(due.userId, 'renewer'))!.accessToken).not.toBe(due.accessToken);
    } finally {
      await Promise.all(sweeps.map((job) => job.stop()));
    }
  });
});
