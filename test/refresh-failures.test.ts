// A refresh the provider (behind a fault proxy) answers badly: the stored
// tokens stay as they were, the caller gets the exact status and code, and
// the provider is left alone for a back-off. Each test has an app, a
// database and a clock of its own (the app's `now`), so the back-off is
// walked through by moving the clock, and no test depends on another.
import { expect, it } from 'vitest';
import { describeEachDialect } from './support/postgres.js';
import { expireStoredAccessToken, signedInUser, type SignedInUser } from './support/signed-in.js';
import { useAppBehindProxy } from './support/use-app-behind-proxy.js';

const REFRESH = { method: 'POST', path: '/token', form: { grant_type: 'refresh_token' } } as const;
const SERVER_ERROR = { ...REFRESH, fault: { kind: 'status', status: 500, body: '{"error":"server_error"}' } } as const;

describeEachDialect('a refresh the provider answers badly', (dialect) => {
  const { app, database, behind, clock } = useAppBehindProxy(dialect, () => ({ PROVIDER_TIMEOUT_SECONDS: '1' }));

  const proxy = () => behind().proxy;
  const callApi = (user: SignedInUser) =>
    app().runtime.app.inject({ method: 'GET', url: '/api/providers/toolkit/proxy/profile', headers: { cookie: user.cookie } });
  const storedToken = (user: SignedInUser) => app().runtime.tokenStore.findToken(user.userId, 'toolkit');
  const auditedRefreshes = async (user: SignedInUser) =>
    (
      await database()
        .db.selectFrom('audit_log')
        .select('event')
        .where('target_id', '=', `${user.userId}:toolkit`)
        .where('event', 'in', ['token.refresh_failed', 'token.refreshed'])
        .orderBy('id')
        .execute()
    ).map((row) => row.event);

  /** Expires the user's access token, makes one call that fails as expected, and checks the stored tokens did not change. */
  async function expectUnchangedAfterFailure(user: SignedInUser, expectedStatus: number, expectedCode: string): Promise<{ headers: Record<string, unknown> }> {
    await expireStoredAccessToken(database(), user.userId, 'toolkit', clock().now());
    const before = await storedToken(user);
    const refreshesSeen = proxy().count(REFRESH);
    const answer = await callApi(user);
    expect(answer.statusCode).toBe(expectedStatus);
    expect(JSON.parse(answer.body)).toEqual({ error: expectedCode, message: expect.any(String) });
    expect(proxy().count(REFRESH)).toBe(refreshesSeen + 1);
    expect(await storedToken(user)).toMatchObject({
      accessToken: before!.accessToken,
      refreshToken: before!.refreshToken,
      idToken: before!.idToken,
      expiresAt: before!.expiresAt,
      status: 'active',
      lastError: expectedCode,
    });
    return answer;
  }

  /** A call within the back-off: 503 with the seconds left as Retry-After, and no request to the provider. */
  async function expectBackedOff(user: SignedInUser, secondsLeft: number): Promise<void> {
    const seen = proxy().count(REFRESH);
    const answer = await callApi(user);
    expect(answer.statusCode).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({ error: 'provider_unavailable', message: expect.stringMatching(new RegExp(`^Toolkit failed recently; trying again in ${secondsLeft} s\\. Last refresh: Toolkit `)) });
    expect(answer.headers['retry-after']).toBe(String(secondsLeft));
    expect(proxy().count(REFRESH)).toBe(seen);
  }

  it('500: the stored tokens are untouched, 502 provider_error, then a 2 s back-off, doubled to 4 s by a second failure, after which the refresh works', async () => {
    const user = await signedInUser(app(), 'alice');
    proxy().inject(SERVER_ERROR);
    await expectUnchangedAfterFailure(user, 502, 'provider_error');

    clock().advance(1);
    await expectBackedOff(user, 1);

    // The first back-off is over: the provider is asked again, fails again, and the back-off doubles.
    clock().advance(1);
    proxy().inject(SERVER_ERROR);
    const seen = proxy().count(REFRESH);
    const again = await callApi(user);
    expect(again.statusCode).toBe(502);
    expect(JSON.parse(again.body)).toMatchObject({ error: 'provider_error' });
    expect(proxy().count(REFRESH)).toBe(seen + 1);
    clock().advance(3);
    await expectBackedOff(user, 1);

    // After the second back-off the next call refreshes and succeeds: nothing was lost.
    clock().advance(1);
    const before = await storedToken(user);
    const answer = await callApi(user);
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ name: 'Alice Liddell' });
    expect(proxy().count(REFRESH)).toBe(seen + 2);
    const after = await storedToken(user);
    expect(after?.accessToken).not.toBe(before?.accessToken);
    expect(after).toMatchObject({ status: 'active', lastError: null, expiresAt: clock().now() + 300 });
    expect(await auditedRefreshes(user)).toEqual(['token.refresh_failed', 'token.refresh_failed', 'token.refreshed']);
  });

  it.each([
    [503, 'text/plain', 'busy'],
    // RFC 6585 §4, as Discord's token endpoint limits: its own JSON, no RFC 6749 error.
    [429, 'application/json', '{"message":"You are being rate limited.","retry_after":119.5,"global":false}'],
  ])('%i with Retry-After: 503 provider_unavailable passed on with Retry-After, and the provider is left alone exactly that long', async (status, contentType, body) => {
    const user = await signedInUser(app(), 'mallory');
    proxy().inject({ ...REFRESH, fault: { kind: 'status', status, contentType, body, headers: { 'retry-after': '120' } } });
    const failed = await expectUnchangedAfterFailure(user, 503, 'provider_unavailable');
    expect(failed.headers['retry-after']).toBe('120');

    clock().advance(119);
    await expectBackedOff(user, 1);

    clock().advance(1);
    const seen = proxy().count(REFRESH);
    expect((await callApi(user)).statusCode).toBe(200);
    expect(proxy().count(REFRESH)).toBe(seen + 1);
  });

  it('a timeout: 504 provider_timeout, tokens untouched', async () => {
    // The timeout is a real one (an AbortSignal on the request): a refresh's answer is waited for twice
    // PROVIDER_TIMEOUT_SECONDS, so this waits 2 s.
    const user = await signedInUser(app(), 'bob');
    proxy().inject({ ...REFRESH, fault: { kind: 'hang' } });
    await expectUnchangedAfterFailure(user, 504, 'provider_timeout');
  });

  it('an answer later than PROVIDER_TIMEOUT_SECONDS but within twice it is waited for: the rotated refresh token it carries is kept', async () => {
    // The dev provider rotates refresh tokens and refuses a used one: had this answer been given up on, the
    // connection would need a new sign-in at the next refresh.
    const user = await signedInUser(app(), 'alice');
    const before = await storedToken(user);
    const seenBefore = proxy().requests.length;
    await expireStoredAccessToken(database(), user.userId, 'toolkit', clock().now());
    proxy().inject({ ...REFRESH, fault: { kind: 'late', ms: 1_500 } });
    expect((await callApi(user)).statusCode).toBe(200);
    const after = await storedToken(user);
    expect(after).toMatchObject({ status: 'active', lastError: null });
    expect(after?.refreshToken).not.toBe(before?.refreshToken);

    await expireStoredAccessToken(database(), user.userId, 'toolkit', clock().now());
    expect((await callApi(user)).statusCode).toBe(200);
    expect(proxy().requests.slice(seenBefore).filter((seen) => seen.form?.grant_type === 'refresh_token').map((seen) => seen.form?.refresh_token)).toEqual([
      before?.refreshToken,
      after?.refreshToken,
    ]);
    expect(await auditedRefreshes(user)).toEqual(['token.refreshed', 'token.refreshed']);
  });

  it('an HTML page instead of JSON: 502 provider_bad_response, tokens untouched', async () => {
    const user = await signedInUser(app(), 'bob');
    proxy().inject({ ...REFRESH, fault: { kind: 'status', status: 200, contentType: 'text/html', body: '<html><body>Maintenance</body></html>' } });
    await expectUnchangedAfterFailure(user, 502, 'provider_bad_response');
  });

  it('no new refresh token in the answer: the old one is kept with the new access token', async () => {
    const user = await signedInUser(app(), 'alice');
    const before = await storedToken(user);
    await expireStoredAccessToken(database(), user.userId, 'toolkit', clock().now());
    proxy().inject({ ...REFRESH, fault: { kind: 'status', status: 200, body: '{"access_token":"issued-without-rotation","token_type":"Bearer","expires_in":300}' } });
    const answer = await app().runtime.tokens.getAccessToken(user.userId, 'toolkit');
    expect(answer.accessToken).toBe('issued-without-rotation');
    expect(await storedToken(user)).toMatchObject({
      accessToken: 'issued-without-rotation',
      refreshToken: before!.refreshToken,
      idToken: before!.idToken,
      expiresAt: clock().now() + 300,
      status: 'active',
    });
  });

  it('an API connection reset before any answer: a GET is retried once, a POST is not (503 provider_unreachable)', async () => {
    const user = await signedInUser(app(), 'alice');
    const calls = proxy().count({ path: '/api/profile' });
    proxy().inject({ path: '/api/profile', fault: { kind: 'reset' } });
    expect((await callApi(user)).statusCode).toBe(200);
    expect(proxy().count({ path: '/api/profile' })).toBe(calls + 2);

    const posts = proxy().count({ path: '/api/notes', method: 'POST' });
    proxy().inject({ path: '/api/notes', method: 'POST', fault: { kind: 'reset' } });
    const post = await app().runtime.app.inject({
      method: 'POST',
      url: '/api/providers/toolkit/proxy/notes',
      headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(post.statusCode).toBe(503);
    expect(JSON.parse(post.body)).toEqual({ error: 'provider_unreachable', message: expect.any(String) });
    expect(proxy().count({ path: '/api/notes', method: 'POST' })).toBe(posts + 1);
  });

  it('a 401 from the API: one refresh, one retry, then the answer', async () => {
    const user = await signedInUser(app(), 'bob');
    const refreshes = proxy().count(REFRESH);
    const apiCalls = proxy().count({ path: '/api/profile' });
    proxy().inject({ path: '/api/profile', fault: { kind: 'status', status: 401, body: '{"error":"invalid_token"}', headers: { 'www-authenticate': 'Bearer error="invalid_token"' } } });
    const answer = await callApi(user);
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ name: 'Bob Builder' });
    expect(proxy().count(REFRESH)).toBe(refreshes + 1);
    expect(proxy().count({ path: '/api/profile' })).toBe(apiCalls + 2);

    // An API that keeps refusing: still one refresh and one retry, and its 401 is passed on as it is.
    proxy().inject({ path: '/api/profile', times: 2, fault: { kind: 'status', status: 401, body: '{"error":"invalid_token"}' } });
    const refused = await callApi(user);
    expect(refused.statusCode).toBe(401);
    expect(JSON.parse(refused.body)).toEqual({ error: 'invalid_token' });
    expect(proxy().count(REFRESH)).toBe(refreshes + 2);
    expect(proxy().count({ path: '/api/profile' })).toBe(apiCalls + 4);
  });
});
