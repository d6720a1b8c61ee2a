import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNewUserGoogle, type NewUserGoogle } from './google-new-users.js';

const CLIENT_ID = 'bench-client';
const CLIENT_SECRET = 'bench-secret';
const REDIRECT_URI = 'http://app.test/auth/google/callback';

let google: NewUserGoogle;
beforeAll(async () => {
  google = await startNewUserGoogle({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, subjectPrefix: 'test' });
});
afterAll(() => google?.close());

/** One authorization request and its code exchange, without PKCE or nonce (the emulator asks for neither); the subject. */
async function signIn(): Promise<string> {
  const query = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid email', state: 's' });
  const authorized = await fetch(`${google.origin}/o/oauth2/v2/auth?${query}`, { redirect: 'manual' });
  const code = new URL(authorized.headers.get('location')!).searchParams.get('code');
  if (!code) throw new Error(`no code: ${authorized.headers.get('location')}`);
  const tokens = await fetch(`${google.origin}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
  });
  const { access_token: accessToken } = (await tokens.json()) as { access_token: string };
  const userinfo = await fetch(`${google.origin}/v1/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  return ((await userinfo.json()) as { sub: string }).sub;
}

it('gives every authorization request a person of its own, even when the requests overlap, and keeps no request record', async () => {
  const subjects = await Promise.all(Array.from({ length: 20 }, signIn));
  expect(new Set(subjects).size).toBe(20);
  expect(subjects.every((sub) => /^test-\d+$/.test(sub))).toBe(true);
  expect(google.people).toBe(20);
  // Each authorization request empties the record: after one more sign-in it holds that sign-in's token and userinfo
  // requests at most, however many came before (how many the overlapping ones left depends on their order).
  await signIn();
  expect(google.emulator.server.requests.length).toBeLessThanOrEqual(2);
});
