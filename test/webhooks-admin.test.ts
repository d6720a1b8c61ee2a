// The webhook outbox in the admin site: staff see every delivery (event,
// URL, status, attempts, next attempt, last error, created) and may "Retry
// now" a pending or failed one; the action is CSRF-checked and audited.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RETRY_DELAYS_SECONDS } from '../src/core/webhook-delivery.js';
import type { WebhookEventData } from '../src/core/webhook-outbox.js';
import { setUserFlags } from '../src/db/user.repository.js';
import { absoluteTime } from '../src/server/views/format.js';
import { testClock } from './support/clock.js';
import { describeEachDialect } from './support/postgres.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const DATA: WebhookEventData = { user_id: 'user-1', external_id: null, provider: 'toolkit', subject: 'sub-1', status: 'active' };

/** The list's first cell: the row's checkbox, for the actions on ticked rows. */
const SELECT_CELL = '<td><input type="checkbox" name="ids" value="[^"]+" aria-label="[^"]+"></td>';

describeEachDialect('webhooks in the admin site', (dialect) => {
  const secret = newWebhookSecret();
  const clock = testClock();
  let receiver: WebhookReceiver;
  let staff: SignedInUser;
  let member: SignedInUser;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(secret, clock.now);
  });
  afterAll(() => receiver?.close());
  const { app, database } = useTestApp(dialect, () => ({ env: { WEBHOOK_URLS: `${receiver.url}?token=receiver-own-secret`, WEBHOOK_SECRET: secret }, now: clock.now }));
  beforeAll(async () => {
    staff = await signedInUser(app(), 'alice');
    await setUserFlags(database().db, staff.userId, { isStaff: true });
    member = await signedInUser(app(), 'bob');
  });

  const get = (url: string, user: SignedInUser) => app().runtime.app.inject({ method: 'GET', url, headers: { cookie: user.cookie } });
  const post = (url: string, user: SignedInUser, csrf = true) =>
    app().runtime.app.inject({
      method: 'POST',
      url,
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(csrf ? { _csrf: user.csrfToken } : {}).toString(),
    });
  const job = () => app().runtime.webhookDelivery!;
  const audit = (event: string) => database().db.selectFrom('audit_log').selectAll().where('event', '=', event).execute();

  /** A message that failed every attempt (the receiver answered 500 to each). */
  async function failedDelivery(): Promise<string> {
    await job().runOnce(); // the sign-ins' messages, before the receiver is told to fail
    receiver.answerNext({ status: 500 }, { status: 500 });
    await app().runtime.webhooks.enqueue('connection.revoked', { ...DATA, status: 'revoked' });
    await job().runOnce();
    const row = await database().db.selectFrom('webhook_deliveries').select(['id', 'message_id']).where('status', '=', 'pending').executeTakeFirstOrThrow();
    // Straight to the last retry (webhooks-delivery.test.ts walks the whole schedule).
    await database().db.updateTable('webhook_deliveries').set({ attempts: RETRY_DELAYS_SECONDS.length, next_attempt_at: clock.now() }).where('id', '=', row.id).execute();
    await job().runOnce();
    expect(receiver.attemptsOf(row.message_id)).toHaveLength(2);
    return row.id;
  }

  it('staff see each delivery with its status, attempts, next attempt, last error and creation; the URL without its query', async () => {
    const id = await failedDelivery();
    const list = await get('/admin/webhooks', staff);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('href="/admin/webhooks"');
    const row = new RegExp(`<tr>${SELECT_CELL}<td><a href="/admin/webhooks/${id}">connection.revoked</a></td>(.*?)</tr>`, 's').exec(list.body)?.[1];
    expect(row).toBeDefined();
    expect(row).toContain(`<td>${receiver.url}?…</td>`);
    expect(row).toMatch(/^<td>user-1<\/td>/);
    expect(row).toMatch(/<td><span class="status-needs_reauth">failed<\/span><\/td>\s*<td>10<\/td>\s*<td>—<\/td>\s*<td>HTTP 500<\/td>\s*<td><span title="[^"]+">[^<]+<\/span><\/td>/);
    expect(list.body).not.toContain('receiver-own-secret');
    expect((await get('/admin/webhooks?status=failed', staff)).body).toContain(`/admin/webhooks/${id}`);
    expect((await get('/admin/webhooks?status=delivered', staff)).body).not.toContain(`/admin/webhooks/${id}`);

    const detail = await get(`/admin/webhooks/${id}`, staff);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('data-action="retry"');
    expect(detail.body).toContain('&quot;type&quot;:&quot;connection.revoked&quot;');
    expect(detail.body).not.toContain('receiver-own-secret');
    expect((await get('/admin/webhooks', member)).statusCode).toBe(403);
  });

  it("a pending delivery shows its next and last attempt as dates too, and its user by username, linked (their id once deleted)", async () => {
    await job().runOnce(); // the sign-ins' messages, before the receiver is told to fail
    receiver.answerNext({ status: 500 });
    await app().runtime.webhooks.enqueue('connection.refresh_failed', { ...DATA, user_id: staff.userId, reason: 'provider_unavailable' });
    await job().runOnce();
    const delivery = await database().db.selectFrom('webhook_deliveries').selectAll().where('event_type', '=', 'connection.refresh_failed').executeTakeFirstOrThrow();
    expect(delivery.status).toBe('pending');

    const list = await get('/admin/webhooks?status=pending', staff);
    const row = new RegExp(`<tr>${SELECT_CELL}<td><a href="/admin/webhooks/${delivery.id}">connection.refresh_failed</a></td>(.*?)</tr>`, 's').exec(list.body)?.[1] ?? '';
    expect(row).toMatch(new RegExp(`^<td><a href="/admin/users/${staff.userId}">alice</a></td>`));
    expect(row).toContain(`<span class="muted">${absoluteTime(delivery.next_attempt_at)}</span></td>`);

    const detail = await get(`/admin/webhooks/${delivery.id}`, staff);
    expect(detail.body).toContain(`<dt>User</dt><dd><a href="/admin/users/${staff.userId}">alice</a></dd>`);
    expect(detail.body).toMatch(new RegExp(`<dt>Next attempt</dt><dd><span title="[^"]+">in [^<]+</span> <span class="muted">${absoluteTime(delivery.next_attempt_at)}</span></dd>`));
    expect(detail.body).toMatch(new RegExp(`<dt>Last attempt</dt><dd><span title="[^"]+">[^<]+</span> <span class="muted">${absoluteTime(delivery.last_attempt_at!)}</span></dd>`));

    // Delivered, so the next test's pending message is the only one.
    await database().db.updateTable('webhook_deliveries').set({ next_attempt_at: clock.now() }).where('id', '=', delivery.id).execute();
    await job().runOnce();
    expect((await database().db.selectFrom('webhook_deliveries').select('status').where('id', '=', delivery.id).executeTakeFirstOrThrow()).status).toBe('delivered');
  });

  it('"Retry now" needs the CSRF token, sends a failed message again at once, and is audited', async () => {
    const id = await failedDelivery();
    const sent = receiver.received.length;
    expect((await post(`/admin/webhooks/${id}/retry`, staff, false)).statusCode).toBe(403);
    expect((await post(`/admin/webhooks/${id}/retry`, member)).statusCode).toBe(403);
    await job().runOnce();
    expect(receiver.received.length).toBe(sent);

    const answer = await post(`/admin/webhooks/${id}/retry`, staff);
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe(`/admin/webhooks/${id}`);
    await job().runOnce();
    expect(receiver.received.length).toBe(sent + 1);
    expect(receiver.received.at(-1)!.verified).toBe(true);
    const row = await database().db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'delivered', attempts: 11 });
    const [entry] = (await audit('admin.webhooks.retry')).filter((candidate) => candidate.target_id === id);
    expect(entry).toMatchObject({ actor_user_id: staff.userId, target_type: 'webhook_delivery' });

    // Delivered: the action no longer applies.
    expect((await post(`/admin/webhooks/${id}/retry`, staff)).statusCode).toBe(409);
    expect((await get(`/admin/webhooks/${id}`, staff)).body).not.toContain('data-action="retry"');
  });

  it('"Retry now" is not offered for a message whose URL WEBHOOK_URLS no longer names, and says why when posted', async () => {
    const id = await failedDelivery();
    await database().db.updateTable('webhook_deliveries').set({ url: 'https://removed.example/hooks' }).where('id', '=', id).execute();
    expect((await get(`/admin/webhooks/${id}`, staff)).body).not.toContain('data-action="retry"');
    const refused = await post(`/admin/webhooks/${id}/retry`, staff);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Its URL is no longer in WEBHOOK_URLS');
  });
});
