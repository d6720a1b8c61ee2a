// The error pages a signed-in person meets when a provider's answer fails:
// they stay signed in, so the page shows them signed in and leads back to
// their account (where that provider's sign-in is offered again), not to a
// sign-in page that would only greet them.
import { beforeAll, expect, it } from 'vitest';
import type { BrowserResponse } from './support/browser.js';
import { describeEachDialect } from './support/postgres.js';
import { withSecondProvider } from './support/service-api.js';
import { signedInUser, type SignedInUser } from './support/signed-in.js';
import { APP_ORIGIN } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/** The dev provider's consent page has a "Deny" link (oidc-provider's abort). */
function denyLink(page: BrowserResponse): string {
  const href = /<a class="cancel" href="([^"]+)">Deny<\/a>/.exec(page.text)?.[1];
  if (!href) throw new Error(`no Deny link at ${page.url}`);
  return new URL(href, page.url).toString();
}

describeEachDialect('error pages for a signed-in person', (dialect) => {
  const { app } = useTestApp(dialect, { env: { TOOLKIT_SCOPE: 'openid profile email offline_access' }, configure: withSecondProvider });
  let alice: SignedInUser;

  beforeAll(async () => {
    alice = await signedInUser(app(), 'alice');
  });

  const expectStillSignedIn = (page: BrowserResponse) => {
    expect(page.text).toContain('action="/logout"');
    expect(page.text).toContain('<a href="/account">Back to your account</a>');
    expect(page.text).not.toContain('Back to sign-in');
  };

  it('"Ask for more access" refused at the provider: the page says so and leads back to the account', async () => {
    const consent = await alice.browser.post(`${APP_ORIGIN}/account/connections/toolkit/scope`, { _csrf: alice.csrfToken, scope: 'notes:read' });
    const refused = await alice.browser.get(denyLink(consent));
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('was cancelled');
    expectStillSignedIn(refused);
    expect((await alice.browser.get(`${APP_ORIGIN}/account`)).status).toBe(200);
  });

  it('a callback opened again (Back, or a second tab) while signed in: still signed in, led back to the account', async () => {
    const start = await alice.browser.post(`${APP_ORIGIN}/account/connections/toolkit/scope`, { _csrf: alice.csrfToken, scope: 'notes:read' });
    const callback = await alice.browser.submitForm(start, {}, { stopAt: `${APP_ORIGIN}/auth/` });
    expect(callback.location).toContain('/auth/toolkit/callback');
    expect((await alice.browser.get(callback.location!)).url).toBe(`${APP_ORIGIN}/account`);
    const again = await alice.browser.get(callback.location!);
    expect(again.status).toBe(400);
    expect(again.text).toContain('not valid in this browser');
    expectStillSignedIn(again);
  });

  it('a signed-out browser whose sign-in was cancelled is still led to sign in', async () => {
    const browser = app().browser();
    const login = await browser.get(`${APP_ORIGIN}/login/second`);
    const consent = await browser.submitForm(login, { username: 'bob', password: 'bob' });
    const refused = await browser.get(denyLink(consent));
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Back to sign-in');
    expect(refused.text).not.toContain('action="/logout"');
  });
});
