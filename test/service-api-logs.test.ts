// The debug log of a service's whole use of the service API (as
// test/security-logs.test.ts does for a browser's session): no service key,
// old or new, and no token handed out or used appears in it.
import { beforeAll, expect, it } from 'vitest';
import { rotateServiceKey } from '../src/core/service-keys.js';
import { DIALECTS } from './support/postgres.js';
import { ALL_PERMISSIONS, newServiceKey } from './support/service-api.js';
import { expireStoredAccessToken, signedInUser, type SignedInUser } from './support/signed-in.js';
import { useTestApp } from './support/use-test-app.js';

const lines: string[] = [];
const { app, database } = useTestApp(DIALECTS[0]!, { logLevel: 'debug', logDestination: { write: (line: string) => void lines.push(line) } });
let alice: SignedInUser;

beforeAll(async () => {
  alice = await signedInUser(app(), 'alice');
});

it('holds no service key and no access, refresh or ID token, through every endpoint, refusals and a rotation', async () => {
  const secrets = new Map<string, string>();
  const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, key: string, payload?: object) =>
    app().runtime.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${key}`, ...(payload ? { 'content-type': 'application/json' } : {}) }, ...(payload ? { payload: JSON.stringify(payload) } : {}) });
  const rememberTokens = async (when: string) => {
    const stored = (await app().runtime.tokenStore.findToken(alice.userId, 'toolkit'))!;
    secrets.set(`access token (${when})`, stored.accessToken);
    secrets.set(`refresh token (${when})`, stored.refreshToken!);
    secrets.set(`ID token (${when})`, stored.idToken!);
  };

  const key = await newServiceKey(app(), 'logged', ALL_PERMISSIONS);
  secrets.set('service key', key);
  secrets.set("service key's secret", key.slice(31));
  await rememberTokens('sign-in');

  expect((await inject('GET', `/users?email=alice%40example.test`, key)).statusCode).toBe(200);
  expect((await inject('GET', `/users/${alice.userId}`, key)).statusCode).toBe(200);
  expect((await inject('PATCH', `/users/${alice.userId}`, key, { external_id: 'ext-1' })).statusCode).toBe(200);
  const handedOut = await inject('POST', `/users/${alice.userId}/connections/toolkit/access-token`, key);
  expect(handedOut.statusCode).toBe(200);
  await expireStoredAccessToken(database(), alice.userId, 'toolkit', app().runtime.now());
  expect((await inject('GET', `/users/${alice.userId}/connections/toolkit/proxy/profile`, key)).statusCode).toBe(200);
  await rememberTokens('after a refresh');
  const forced = await inject('POST', `/users/${alice.userId}/connections/toolkit/access-token`, key, { force_refresh: true });
  expect(forced.statusCode).toBe(200);
  await rememberTokens('after force_refresh');

  // Refusals: a wrong secret for the right id, the key in a query parameter, a malformed header.
  expect((await inject('GET', `/users/${alice.userId}`, `${key.slice(0, -3)}abc`)).statusCode).toBe(401);
  expect((await app().runtime.app.inject({ method: 'GET', url: `/api/v1/users/${alice.userId}?key=${key}` })).statusCode).toBe(401);
  expect((await app().runtime.app.inject({ method: 'GET', url: `/api/v1/users/${alice.userId}`, headers: { authorization: `Token ${key}` } })).statusCode).toBe(401);

  const { key: rotated } = await rotateServiceKey(app().runtime, 'logged', 60, { cli: true });
  secrets.set('rotated key', rotated);
  expect((await inject('GET', `/users/${alice.userId}`, rotated)).statusCode).toBe(200);
  expect((await inject('DELETE', `/users/${alice.userId}/connections/toolkit`, rotated)).statusCode).toBe(200);

  const log = lines.join('');
  // The capture works at debug level: the requests were logged.
  expect(log).toContain('/api/v1/users/');
  expect(log).toContain('"statusCode":401');
  expect(log).toContain('key=%5Bredacted%5D');
  for (const [what, value] of secrets) {
    expect(value.length, what).toBeGreaterThanOrEqual(16);
    expect(log.includes(value), `${what} appears in the log`).toBe(false);
  }
});
