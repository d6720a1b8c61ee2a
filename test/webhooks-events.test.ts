// Each webhook event, produced by the real flows (sign-in through the
// provider's pages, a refresh the provider fails behind a fault proxy, a
// disconnect from each place one is made, a user's deletion), delivered
// once to a real receiver that checks the signature on its own, with the
// documented body and never a token value.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createServiceKey } from '../src/core/service-keys.js';
import { setUserFlags } from '../src/db/user.repository.js';
import { testClock } from './support/clock.js';
import { describeEachDialect } from './support/postgres.js';
import { startProviderBehindProxy } from './support/provider-behind-proxy.js';
import { expireStoredAccessToken, signedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';
import { newWebhookSecret, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './support/webhook-receiver.js';

const REFRESH = { method: 'POST', path: '/token', form: { grant_type: 'refresh_token' } } as const;

describeEachDialect('webhook events', (dialect) => {
  const secret = newWebhookSecret();
  const clock = testClock();
  let behind: Awaited<ReturnType<typeof startProviderBehindProxy>>;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    behind = await startProviderBehindProxy();
    receiver = await startWebhookReceiver(secret, clock.now);
  });
  afterAll(async () => {
    await receiver?.close();
    await behind?.close();
  });
  const { app, database } = useTestApp(dialect, () => ({
    sharedProvider: behind.provider,
    env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: secret, PROVIDER_TIMEOUT_SECONDS: '1' },
    now: clock.now,
  }));
  beforeEach(() => behind.proxy.clear());

  let documentedPayload: ValidateFunction | undefined;
  /** The webhook body's schema in the service API's OpenAPI document (its `webhooks`), as a receiver generated from it checks it. */
  async function payloadValidator(): Promise<ValidateFunction> {
    if (documentedPayload) return documentedPayload;
    const document = JSON.parse((await app().runtime.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).body) as {
      webhooks?: Record<string, { post?: { requestBody?: { content?: Record<string, { schema?: object }> } } }>;
    };
    const schema = document.webhooks?.connectionEvent?.post?.requestBody?.content?.['application/json']?.schema;
    expect(schema, 'the OpenAPI document describes the webhook body').toBeDefined();
    return (documentedPayload = new Ajv2020({ strict: false, allErrors: true }).compile(schema!));
  }

  /** Sends what is due now and returns the messages of `type` the receiver got for `userId` (after the `since`-th request), each checked against the OpenAPI document. */
  async function delivered(type: string, userId: string, since = 0): Promise<ReceivedWebhook[]> {
    await app().runtime.webhookDelivery!.runOnce();
    const messages = receiver.received.slice(since).filter((message) => message.payload.type === type && message.payload.data.user_id === userId);
    const validate = await payloadValidator();
    for (const message of messages) expect(validate(JSON.parse(message.body)) ? [] : validate.errors, `${message.body} matches the documented webhook body`).toEqual([]);
    return messages;
  }
  // The dev provider has three people (alice, bob, mallory): the tests below follow them through one app and database.

  async function subjectOf(userId: string): Promise<string> {
    const account = await database().db.selectFrom('accounts').select('subject').where('user_id', '=', userId).where('provider', '=', 'toolkit').executeTakeFirstOrThrow();
    return account.subject;
  }

  /** Every token value the user has, for searching the bodies. */
  async function tokenValues(userId: string): Promise<string[]> {
    const stored = await app().runtime.tokenStore.findToken(userId, 'toolkit');
    return [stored!.accessToken, stored!.refreshToken, stored!.idToken].filter((value): value is string => value !== null);
  }

  function expectWellFormed(message: ReceivedWebhook, secrets: readonly string[]): void {
    expect(message.verified).toBe(true);
    expect(message.headers['content-type']).toBe('application/json');
    expect(message.id).toMatch(/^msg_[0-9A-Z]{26}$/);
    for (const value of secrets) expect(message.body).not.toContain(value);
  }

  it('a first sign-in: connection.created, once, signed, naming the user and identity, no token value; signing in again sends nothing', async () => {
    const alice = await signedInUser(app(), 'alice');
    const created = await delivered('connection.created', alice.userId);
    expect(created).toHaveLength(1);
    expectWellFormed(created[0]!, await tokenValues(alice.userId));
    expect(JSON.parse(created[0]!.body)).toEqual({
      type: 'connection.created',
      timestamp: clock.now(),
      data: { user_id: alice.userId, external_id: null, provider: 'toolkit', subject: await subjectOf(alice.userId), status: 'active' },
    });

    await signedInUser(app(), 'alice');
    expect(await delivered('connection.created', alice.userId)).toHaveLength(1);
    expect(await delivered('connection.updated', alice.userId)).toHaveLength(0);
  });

  it('a sign-in that brings other scopes, or reconnects a connection that needed re-auth: connection.updated with the reason', async () => {
    const bob = await signedInUser(app(), 'bob');
    await database().db.updateTable('users').set({ external_id: 'cus_bob' }).where('id', '=', bob.userId).execute();
    await database().db.updateTable('tokens').set({ scope: 'openid' }).where('user_id', '=', bob.userId).execute();
    await signedInUser(app(), 'bob');
    let updated = await delivered('connection.updated', bob.userId);
    expect(updated.map((message) => message.payload.data)).toEqual([
      { user_id: bob.userId, external_id: 'cus_bob', provider: 'toolkit', subject: await subjectOf(bob.userId), status: 'active', reason: 'scope_changed' },
    ]);

    await app().runtime.tokenStore.markNeedsReauth(bob.userId, 'toolkit', 'invalid_grant', clock.now());
    await signedInUser(app(), 'bob');
    updated = await delivered('connection.updated', bob.userId);
    expect(updated.map((message) => message.payload.data.reason)).toEqual(['scope_changed', 'reconnected']);
    for (const message of updated) expectWellFormed(message, await tokenValues(bob.userId));
  });

  it('a refresh that brings other scopes than the stored ones: connection.updated (scope_changed); one with the same scopes sends nothing', async () => {
    const bob = await signedInUser(app(), 'bob');
    const since = receiver.received.length;
    const callApi = () => app().runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/profile', headers: { cookie: bob.cookie } });
    // The provider grants what the grant holds; the stored scope says less, as after a provider narrowed it.
    await database().db.updateTable('tokens').set({ scope: 'openid notes:read' }).where('user_id', '=', bob.userId).execute();
    await expireStoredAccessToken(database(), bob.userId, 'toolkit', clock.now());
    expect((await callApi()).statusCode).toBe(200);
    const updated = await delivered('connection.updated', bob.userId, since);
    expect(updated.map((message) => message.payload.data)).toEqual([
      { user_id: bob.userId, external_id: 'cus_bob', provider: 'toolkit', subject: await subjectOf(bob.userId), status: 'active', reason: 'scope_changed' },
    ]);
    expectWellFormed(updated[0]!, await tokenValues(bob.userId));

    await expireStoredAccessToken(database(), bob.userId, 'toolkit', clock.now());
    expect((await callApi()).statusCode).toBe(200);
    expect(await delivered('connection.updated', bob.userId, since)).toHaveLength(1);
  });

  it('a refresh the provider fails: connection.refresh_failed with its code, at most once per back-off period', async () => {
    const user = await signedInUser(app(), 'mallory');
    const callApi = () => app().runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/profile', headers: { cookie: user.cookie } });
    await expireStoredAccessToken(database(), user.userId, 'toolkit', clock.now());
    behind.proxy.inject({ ...REFRESH, fault: { kind: 'status', status: 500, body: '{"error":"server_error"}' } });
    expect((await callApi()).statusCode).toBe(502);
    // Within the back-off the provider is not asked, and nothing more is sent.
    expect((await callApi()).statusCode).toBe(503);
    expect((await callApi()).statusCode).toBe(503);
    const failed = await delivered('connection.refresh_failed', user.userId);
    expect(failed).toHaveLength(1);
    expectWellFormed(failed[0]!, await tokenValues(user.userId));
    expect(failed[0]!.payload.data).toEqual({ user_id: user.userId, external_id: null, provider: 'toolkit', subject: await subjectOf(user.userId), status: 'active', reason: 'provider_error' });

    // After the back-off the next failure is a new message.
    clock.advance(3);
    behind.proxy.inject({ ...REFRESH, fault: { kind: 'status', status: 500, body: '{"error":"server_error"}' } });
    expect((await callApi()).statusCode).toBe(502);
    expect(await delivered('connection.refresh_failed', user.userId)).toHaveLength(2);
  });

  it('a refresh the provider refuses (invalid_grant): connection.needs_reauth, once', async () => {
    const user = await signedInUser(app(), 'alice');
    const since = receiver.received.length;
    const callApi = () => app().runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/profile', headers: { cookie: user.cookie } });
    await expireStoredAccessToken(database(), user.userId, 'toolkit', clock.now());
    behind.proxy.inject({ ...REFRESH, fault: { kind: 'status', status: 400, body: '{"error":"invalid_grant"}' } });
    expect((await callApi()).statusCode).toBe(401);
    expect((await callApi()).statusCode).toBe(401);
    const reauth = await delivered('connection.needs_reauth', user.userId, since);
    expect(reauth).toHaveLength(1);
    expectWellFormed(reauth[0]!, await tokenValues(user.userId));
    expect(reauth[0]!.payload.data).toEqual({ user_id: user.userId, external_id: null, provider: 'toolkit', subject: await subjectOf(user.userId), status: 'needs_reauth', reason: 'invalid_grant' });
    expect(await delivered('connection.refresh_failed', user.userId, since)).toHaveLength(0);
  });

  it('a disconnect from the account page, the service API or the admin site: connection.revoked, once each', async () => {
    const since = receiver.received.length;
    const fromPage = await signedInUser(app(), 'bob');
    const secrets = await tokenValues(fromPage.userId);
    const subject = await subjectOf(fromPage.userId);
    const page = await app().runtime.app.inject({
      method: 'POST',
      url: '/account/connections/toolkit/disconnect',
      headers: { cookie: fromPage.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: fromPage.csrfToken }).toString(),
    });
    expect(page.statusCode).toBe(303);
    const revoked = await delivered('connection.revoked', fromPage.userId, since);
    expect(revoked).toHaveLength(1);
    expectWellFormed(revoked[0]!, secrets);
    expect(revoked[0]!.payload.data).toEqual({ user_id: fromPage.userId, external_id: 'cus_bob', provider: 'toolkit', subject, status: 'revoked' });

    const fromService = await signedInUser(app(), 'mallory');
    const { key } = await createServiceKey(app().runtime, { name: 'webhook-test', permissions: ['connections:write'], providers: null }, { cli: true });
    const api = await app().runtime.app.inject({ method: 'DELETE', url: `/api/v1/users/${fromService.userId}/connections/toolkit`, headers: { authorization: `Bearer ${key}` } });
    expect(api.statusCode).toBe(200);
    expect(await delivered('connection.revoked', fromService.userId, since)).toHaveLength(1);

    // alice's connection needs re-auth (the test before): an admin may still revoke it.
    const admin = await signedInUser(app(), 'alice');
    await setUserFlags(database().db, admin.userId, { isStaff: true, isSuperuser: true });
    const tokenId = (await app().runtime.tokenStore.findTokenSummary(admin.userId, 'toolkit'))!.id;
    const fromAdmin = await app().runtime.app.inject({
      method: 'POST',
      url: `/admin/tokens/${tokenId}/revoke`,
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: admin.csrfToken, confirmed: 'yes' }).toString(),
    });
    expect(fromAdmin.statusCode).toBe(303);
    expect(await delivered('connection.revoked', admin.userId, since)).toHaveLength(1);
  });

  it("a user's deletion: connection.revoked for each connection, then user.deleted with the external_id", async () => {
    const admin = await signedInUser(app(), 'alice');
    const since = receiver.received.length;
    // bob disconnected in the test before: signing in again connects anew.
    const doomed = await signedInUser(app(), 'bob');
    expect(await delivered('connection.created', doomed.userId, since)).toHaveLength(1);
    const secrets = await tokenValues(doomed.userId);
    const answer = await app().runtime.app.inject({
      method: 'POST',
      url: `/admin/users/${doomed.userId}/delete`,
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: admin.csrfToken, confirmed: 'yes' }).toString(),
    });
    expect(answer.statusCode).toBe(303);
    expect(await delivered('connection.revoked', doomed.userId, since)).toHaveLength(1);
    const deleted = await delivered('user.deleted', doomed.userId, since);
    expect(deleted).toHaveLength(1);
    expectWellFormed(deleted[0]!, secrets);
    expect(JSON.parse(deleted[0]!.body)).toEqual({
      type: 'user.deleted',
      timestamp: clock.now(),
      data: { user_id: doomed.userId, external_id: 'cus_bob', provider: null, subject: null, status: 'deleted' },
    });
  });

  it('every message reached the receiver verified and exactly once', async () => {
    await app().runtime.webhookDelivery!.runOnce();
    expect(receiver.received.every((message) => message.verified)).toBe(true);
    const ids = receiver.received.map((message) => message.id);
    expect(new Set(ids).size).toBe(ids.length);
    const rows = await database().db.selectFrom('webhook_deliveries').select(['status', 'attempts']).execute();
    expect(rows.length).toBe(ids.length);
    expect(rows.every((row) => row.status === 'delivered' && Number(row.attempts) === 1)).toBe(true);
  });
});
