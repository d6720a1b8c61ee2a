import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.js';
import { DIALECTS, describeEachDialect } from './support/postgres.js';
import { parsePrometheusText, sampleValue, type Scrape } from './support/prometheus-text.js';
import { signedInUser } from './support/signed-in.js';
import { APP_ORIGIN, CLIENT_ID, CLIENT_SECRET, type TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const METRICS_TOKEN = 'test-metrics-token-0123456789abcdef';
const PROXY_ROUTE = '/api/providers/:provider/proxy/*';

async function scrapeApp(app: TestApp): Promise<{ text: string; scrape: Scrape }> {
  const answer = await app.runtime.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(answer.statusCode).toBe(200);
  expect(answer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return { text: answer.body, scrape: parsePrometheusText(answer.body) };
}

/** Whether something accepts TCP connections at host:port (false: refused). */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve(false) : reject(error)));
  });
}

describeEachDialect('metrics on the app port (METRICS_TOKEN)', (dialect) => {
  const { app, database } = useTestApp(dialect, { env: { METRICS_TOKEN } });
  const value = async (name: string, labels: Record<string, string>) => sampleValue((await scrapeApp(app())).scrape, name, labels) ?? 0;

  it('GET /metrics needs the token as a bearer token: 401 (with WWW-Authenticate) without it or with another', async () => {
    for (const authorization of [undefined, `Bearer ${METRICS_TOKEN}x`, `Basic ${METRICS_TOKEN}`, METRICS_TOKEN, `Bearer ${METRICS_TOKEN.slice(0, -1)}`]) {
      const answer = await app().runtime.app.inject({ method: 'GET', url: '/metrics', headers: authorization === undefined ? {} : { authorization } });
      expect(answer.statusCode, String(authorization)).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(JSON.parse(answer.body)).toEqual({ error: 'unauthorized', message: 'The metrics need the metrics token: Authorization: Bearer <METRICS_TOKEN>.' });
      expect(answer.body).not.toContain('tokenkeeper_');
    }
    const { scrape } = await scrapeApp(app());
    // The text format parses (scrapeApp) and holds our metrics and the process ones, every name prefixed.
    for (const name of ['tokenkeeper_http_request_duration_seconds', 'tokenkeeper_sign_ins_total', 'tokenkeeper_refreshes_total', 'tokenkeeper_refresh_duration_seconds', 'tokenkeeper_refresh_lease_waits_total', 'tokenkeeper_proxy_request_duration_seconds', 'tokenkeeper_tokens', 'tokenkeeper_process_cpu_seconds_total', 'tokenkeeper_nodejs_eventloop_lag_seconds']) {
      expect(scrape.families.has(name), name).toBe(true);
    }
    expect([...scrape.families.keys()].filter((name) => !name.startsWith('tokenkeeper_'))).toEqual([]);
  });

  it('counts sign-ins by provider and outcome: new_user, ok, and the error code of a failed callback', async () => {
    const signIns = (outcome: string) => value('tokenkeeper_sign_ins_total', { provider: 'toolkit', outcome });
    const before = { newUser: await signIns('new_user'), ok: await signIns('ok'), invalidState: await signIns('invalid_state') };
    await signedInUser(app(), 'alice');
    await signedInUser(app(), 'alice');
    expect((await app().runtime.app.inject({ method: 'GET', url: '/auth/toolkit/callback?state=forged&code=x' })).statusCode).toBe(400);
    expect((await app().runtime.app.inject({ method: 'GET', url: '/auth/not-a-provider/callback?state=x' })).statusCode).toBe(404);
    expect(await signIns('new_user')).toBe(before.newUser + 1);
    expect(await signIns('ok')).toBe(before.ok + 1);
    expect(await signIns('invalid_state')).toBe(before.invalidState + 1);
    expect((await scrapeApp(app())).text).not.toContain('not-a-provider');
  });

  it('counts a refresh by provider and outcome with its duration, and a proxied call by upstream status class', async () => {
    const bob = await signedInUser(app(), 'bob');
    const refreshes = await value('tokenkeeper_refreshes_total', { provider: 'toolkit', outcome: 'ok' });
    const refreshTimes = await value('tokenkeeper_refresh_duration_seconds_count', { provider: 'toolkit', outcome: 'ok' });
    const page = await bob.browser.post(`${APP_ORIGIN}/account/connections/toolkit/refresh`, { _csrf: bob.csrfToken });
    expect(page.url).toBe(`${APP_ORIGIN}/account`);
    expect(await value('tokenkeeper_refreshes_total', { provider: 'toolkit', outcome: 'ok' })).toBe(refreshes + 1);
    expect(await value('tokenkeeper_refresh_duration_seconds_count', { provider: 'toolkit', outcome: 'ok' })).toBe(refreshTimes + 1);

    const proxied = { provider: 'toolkit', status_class: '2xx' };
    const httpLabels = { route: PROXY_ROUTE, method: 'GET', status_code: '200' };
    const proxiedBefore = await value('tokenkeeper_proxy_request_duration_seconds_count', proxied);
    const httpBefore = await value('tokenkeeper_http_request_duration_seconds_count', httpLabels);
    const call = await app().runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/notes', headers: { cookie: bob.cookie } });
    expect(call.statusCode).toBe(200);
    expect(await value('tokenkeeper_proxy_request_duration_seconds_count', proxied)).toBe(proxiedBefore + 1);
    expect(await value('tokenkeeper_http_request_duration_seconds_count', httpLabels)).toBe(httpBefore + 1);
  });

  it('the token gauge shows the database as of the last count, and the job brings it up to date', async () => {
    const carol = await signedInUser(app(), 'mallory');
    const gauge = (status: string) => value('tokenkeeper_tokens', { provider: 'toolkit', status });
    await app().runtime.tokenGauge!.update();
    const active = await gauge('active');
    const stored = await database().db.selectFrom('tokens').select('status').where('provider', '=', 'toolkit').execute();
    expect(active).toBe(stored.filter((row) => row.status === 'active').length);
    expect(await gauge('needs_reauth')).toBe(stored.filter((row) => row.status === 'needs_reauth').length);

    await database().db.updateTable('tokens').set({ status: 'needs_reauth' }).where('user_id', '=', carol.userId).execute();
    expect(await gauge('active')).toBe(active); // a scrape runs no query
    await app().runtime.tokenGauge!.update();
    expect(await gauge('active')).toBe(active - 1);
    expect(await gauge('needs_reauth')).toBe(stored.filter((row) => row.status === 'needs_reauth').length + 1);
  });

  it('no label value, nor anything else in the scrape, holds a user id, a name, a token, a session or a path', async () => {
    const users = await Promise.all(['alice', 'bob', 'mallory'].map((name) => signedInUser(app(), name)));
    const secrets = new Set<string>(['alice', 'mallory', 'Liddell']);
    for (const user of users) {
      secrets.add(user.userId);
      secrets.add(user.csrfToken);
      for (const cookie of user.cookie.split('; ')) secrets.add(cookie.slice(cookie.indexOf('=') + 1));
      const stored = await app().runtime.tokenStore.findToken(user.userId, 'toolkit');
      for (const token of [stored!.accessToken, stored!.refreshToken, stored!.idToken]) if (token) secrets.add(token);
      // Paths and queries with ids reach matched routes, a proxied API and no route at all.
      await app().runtime.app.inject({ method: 'GET', url: `/api/providers/toolkit/proxy/notes/${user.userId}?owner=${user.userId}`, headers: { cookie: user.cookie } });
      await app().runtime.app.inject({ method: 'GET', url: `/users/${user.userId}`, headers: { cookie: user.cookie } });
      await app().runtime.app.inject({ method: 'GET', url: `/auth/toolkit/callback?state=${user.userId}`, headers: { cookie: user.cookie } });
    }
    const { text, scrape } = await scrapeApp(app());
    for (const secret of secrets) expect(text.includes(secret), `the scrape holds ${secret.slice(0, 12)}…`).toBe(false);
    const labelValues = new Set(scrape.samples.flatMap((sample) => Object.values(sample.labels)));
    for (const secret of secrets) expect([...labelValues].filter((label) => label.includes(secret))).toEqual([]);

    // Our own labels come from closed sets: route patterns, providers, outcomes and codes.
    const ours = scrape.samples.filter((sample) => !/^tokenkeeper_(process|nodejs)_/.test(sample.name));
    const routes = new Set(ours.flatMap((sample) => (sample.labels.route === undefined ? [] : [sample.labels.route])));
    expect(routes).toContain(PROXY_ROUTE);
    expect(routes).toContain('/auth/:provider/callback');
    expect(routes).toContain('unmatched');
    for (const route of routes) expect(route).toMatch(/^(unmatched|\/([a-z-]+|:[a-z]+|\*)?(\/([a-z-]+|:[a-zA-Z]+|\*))*)$/);
    for (const sample of ours) {
      if (sample.labels.provider !== undefined) expect(sample.labels.provider).toBe('toolkit');
      if (sample.labels.outcome !== undefined) expect(sample.labels.outcome).toMatch(/^[a-z_]+$/);
    }
  });
});

describe('metrics of linking another provider', () => {
  const { app } = useTestApp(DIALECTS[0]!, {
    env: { METRICS_TOKEN },
    configure: (issuer) => ({ OAUTH_PROVIDERS: 'toolkit,second', SECOND_ISSUER: issuer, SECOND_CLIENT_ID: CLIENT_ID, SECOND_CLIENT_SECRET: CLIENT_SECRET, SECOND_SCOPE: 'openid profile email' }),
  });

  it('counts a linked provider as linked, and a refused link by its error code, under that provider', async () => {
    const alice = await signedInUser(app(), 'alice');
    expect((await alice.browser.post(`${APP_ORIGIN}/account/connections/second`, { _csrf: alice.csrfToken })).url).toBe(`${APP_ORIGIN}/account`);
    // mallory signs up with "second" (one user), then with "toolkit" (another), and tries to link her "second" identity: taken.
    const first = app().browser();
    const landed = await first.get(`${APP_ORIGIN}/login/second`).then((page) => first.submitForm(page, { username: 'mallory', password: 'mallory' }));
    if (!landed.url.startsWith(APP_ORIGIN)) await first.submitForm(landed);
    const other = await signedInUser(app(), 'mallory');
    expect((await other.browser.post(`${APP_ORIGIN}/account/connections/second`, { _csrf: other.csrfToken })).status).toBe(409);
    const { scrape } = await scrapeApp(app());
    const signIns = (provider: string, outcome: string) => sampleValue(scrape, 'tokenkeeper_sign_ins_total', { provider, outcome });
    expect(signIns('second', 'linked')).toBe(1);
    expect(signIns('second', 'new_user')).toBe(1);
    expect(signIns('second', 'identity_taken')).toBe(1);
    expect(signIns('toolkit', 'new_user')).toBe(2);
  });
});

describe('metrics off (neither METRICS_TOKEN nor METRICS_PORT)', () => {
  const { app } = useTestApp(DIALECTS[0]!);

  it('GET /metrics is 404 like any unknown address, and no job or server runs for them', async () => {
    const answer = await app().runtime.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}`, accept: 'application/json' } });
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'not_found' });
    expect(app().runtime.tokenGauge).toBeNull();
    expect(app().runtime.metricsServer).toBeNull();
  });
});

describe('metrics on their own port (METRICS_PORT)', () => {
  let port: number;
  beforeAll(async () => {
    port = await freePort();
  });
  const { app } = useTestApp(DIALECTS[0]!, () => ({ env: { METRICS_PORT: String(port) } }));

  it('serves GET /metrics on 127.0.0.1:<METRICS_PORT> only, and nothing on the app port', async () => {
    expect(app().runtime.metricsServer!.port).toBe(port);
    await signedInUser(app(), 'alice');
    const answer = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const scrape = parsePrometheusText(await answer.text());
    expect(sampleValue(scrape, 'tokenkeeper_sign_ins_total', { provider: 'toolkit', outcome: 'new_user' })).toBe(1);

    // Bound to 127.0.0.1 alone: another loopback address (all of 127.0.0.0/8 reaches this host) and IPv6 are refused.
    expect(await accepts('127.0.0.1', port)).toBe(true);
    expect(await accepts('127.0.0.2', port)).toBe(false);
    expect(await accepts('::1', port)).toBe(false);

    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics/x`)).status).toBe(404);
    const post = await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');

    const onAppPort = await app().runtime.app.inject({ method: 'GET', url: '/metrics', headers: { accept: 'application/json' } });
    expect(onAppPort.statusCode).toBe(404);
  });
});

describe('metrics on their own port with METRICS_TOKEN too', () => {
  let port: number;
  beforeAll(async () => {
    port = await freePort();
  });
  const { app } = useTestApp(DIALECTS[0]!, () => ({ env: { METRICS_PORT: String(port), METRICS_TOKEN } }));

  it('the metrics port asks for the token as well, and the app port still has no /metrics', async () => {
    const without = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await without.text()).not.toContain('tokenkeeper_');
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401);
    const withToken = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(withToken.status).toBe(200);
    expect(parsePrometheusText(await withToken.text()).families.has('tokenkeeper_sign_ins_total')).toBe(true);

    const onAppPort = await app().runtime.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}`, accept: 'application/json' } });
    expect(onAppPort.statusCode).toBe(404);
  });
});
