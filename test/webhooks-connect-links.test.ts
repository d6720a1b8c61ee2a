// Connections made through connect links send the same webhooks as any
// sign-in, with what the link brought: the external_id a new person gets is
// in connection.created, and more scope is connection.updated (scope_changed).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BrowserResponse, TestBrowser } from './support/browser.js';
import { testClock } from './support/clock.js';
import { describeEachDialect } from './support/postgres.js';
import { newServiceKey, serviceApiClient, type ServiceApiClient } from './support/service-api.js';
import { APP_ORIGIN } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';
import { newWebhookSecret, startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const CLIENT = 'https://client.test';

/** Follows the provider's login and consent pages until the app sends the browser back to the client. */
async function throughProvider(browser: TestBrowser, page: BrowserResponse, username: string): Promise<URL> {
  for (let step = 0; step < 4 && page.location === undefined; step += 1) {
    if (page.url.startsWith(APP_ORIGIN) || !page.text.includes('<form')) break;
    page = await browser.submitForm(page, page.text.includes('name="password"') ? { username, password: username } : {}, { stopAt: CLIENT });
  }
  expect(page.location, `stopped at ${page.status} ${page.url}`).toBeDefined();
  return new URL(page.location!);
}

describeEachDialect('webhooks of connect links', (dialect) => {
  const secret = newWebhookSecret();
  const clock = testClock();
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver(secret, clock.now);
  });
  afterAll(() => receiver?.close());
  const { app } = useTestApp(dialect, () => ({
    env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: secret, CONNECT_RETURN_ORIGINS: CLIENT, TOOLKIT_SCOPE: 'openid profile email offline_access' },
    now: clock.now,
  }));
  let api: ServiceApiClient;
  let key: string;
  beforeAll(async () => {
    api = await serviceApiClient(app());
    key = await newServiceKey(app(), 'billing', ['connections:write']);
  });

  async function deliveredFor(userId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    await app().runtime.webhookDelivery!.runOnce();
    return receiver.received.filter((message) => message.verified && message.payload.data.user_id === userId).map((message) => message.payload as never);
  }

  it('a new person through an external_id link: connection.created carries that external_id; more scope through a user link: connection.updated, scope_changed', async () => {
    const browser = app().browser();
    const first = await api.call({ method: 'POST', template: '/connect-links', key, body: { provider: 'toolkit', external_id: 'cus_42', return_to: `${CLIENT}/done` } });
    expect(first.status).toBe(201);
    const landed = await throughProvider(browser, await browser.get(String(first.body.url), { stopAt: CLIENT }), 'mallory');
    expect(landed.searchParams.get('status')).toBe('connected');
    const me = JSON.parse((await browser.get(`${APP_ORIGIN}/api/me`)).text) as { user: { id: string } };
    const userId = me.user.id;
    expect((await deliveredFor(userId)).map(({ type, data }) => [type, data.external_id, data.status])).toEqual([['connection.created', 'cus_42', 'active']]);

    const more = await api.call({ method: 'POST', template: '/connect-links', key, body: { provider: 'toolkit', user_id: userId, scope: 'notes:read', return_to: `${CLIENT}/done` } });
    expect(more.status).toBe(201);
    const again = await throughProvider(browser, await browser.get(String(more.body.url), { stopAt: CLIENT }), 'mallory');
    expect(again.searchParams.get('status')).toBe('connected');
    const messages = await deliveredFor(userId);
    expect(messages.map(({ type, data }) => [type, data.external_id, data.reason ?? null])).toEqual([
      ['connection.created', 'cus_42', null],
      ['connection.updated', 'cus_42', 'scope_changed'],
    ]);
  });
});
