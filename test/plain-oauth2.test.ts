import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../src/dev-provider/accounts.js';
import { DIALECTS } from './support/postgres.js';
import { APP_ORIGIN, signIn } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * A provider with no discovery and no ID token (like GitHub): explicit
 * endpoints, client_secret_post, the subject read from a userinfo-like API.
 * The dev provider plays that server; its /api/profile answers like GitHub's /user.
 */
describe('a plain OAuth 2.0 provider configured with explicit endpoints', () => {
  const { app, database } = useTestApp(DIALECTS[0]!, {
    env: {
      TOOLKIT_SCOPE: 'profile email notes:read',
      TOOLKIT_TOKEN_ENDPOINT_AUTH_METHOD: 'client_secret_post',
    },
    configure: (issuer) => ({
      // RFC 9207: the dev provider names itself in the callback, so the configured issuer must match.
      TOOLKIT_ISSUER: issuer,
      TOOLKIT_AUTHORIZE_URL: `${issuer}/auth`,
      TOOLKIT_ACCESS_TOKEN_URL: `${issuer}/token`,
      TOOLKIT_USERINFO_URL: `${issuer}/api/profile`,
    }),
  });

  it('signs in without an ID token and identifies the user by the userinfo subject', async () => {
    const browser = app().browser();
    const account = await signIn(browser, 'alice', 'alice', '/account');
    expect(account.url).toBe(`${APP_ORIGIN}/account`);
    expect(account.text).toContain('Alice Liddell');
    const alice = DEMO_ACCOUNTS.find((a) => a.username === 'alice')!;
    const rows = await database().db.selectFrom('accounts').select(['provider', 'subject']).execute();
    expect(rows).toEqual([{ provider: 'toolkit', subject: alice.sub }]);
    const user = await database().db.selectFrom('users').select('id').executeTakeFirstOrThrow();
    const stored = await app().runtime.tokenStore.findToken(user.id, 'toolkit');
    expect(stored?.idToken).toBeNull();
    expect(stored?.accessToken).toBeTruthy();
  });
});
