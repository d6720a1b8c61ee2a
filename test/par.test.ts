// Pushed authorization requests (RFC 9126) against the dev provider (oidc-provider): a client it holds to PAR signs in
// with `<NAME>_PAR=on`, the browser carrying only the request_uri; a provider whose discovery requires PAR of every
// client is pushed to with no setting; the same client without PAR is refused by the provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevProvider, type DevProvider } from '../src/dev-provider/index.js';
import { DIALECTS } from './support/postgres.js';
import { APP_ORIGIN } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';
import { throughDevProvider } from './support/dev-provider-pages.js';

const SECRET = 'a-client-secret-for-the-par-tests-0123456789';

describe('pushed authorization requests', () => {
  let holding: DevProvider;
  let requiring: DevProvider;

  beforeAll(async () => {
    holding = await startDevProvider({
      port: 0,
      clients: [{ clientId: 'pushed', clientSecret: SECRET, redirectUris: [`${APP_ORIGIN}/auth/pushed/callback`, `${APP_ORIGIN}/auth/unpushed/callback`], requirePushedAuthorizationRequests: true }],
    });
    requiring = await startDevProvider({
      port: 0,
      requirePushedAuthorizationRequests: true,
      clients: [{ clientId: 'anyone', clientSecret: SECRET, redirectUris: [`${APP_ORIGIN}/auth/discovered/callback`] }],
    });
  });
  afterAll(async () => {
    await holding?.close();
    await requiring?.close();
  });

  const { app } = useTestApp(DIALECTS[0]!, () => ({
    sharedProvider: holding,
    env: {
      OAUTH_PROVIDERS: 'pushed,unpushed,discovered',
      PUSHED_ISSUER: holding.issuer,
      PUSHED_CLIENT_ID: 'pushed',
      PUSHED_CLIENT_SECRET: SECRET,
      PUSHED_PAR: 'on',
      UNPUSHED_ISSUER: holding.issuer,
      UNPUSHED_CLIENT_ID: 'pushed',
      UNPUSHED_CLIENT_SECRET: SECRET,
      DISCOVERED_ISSUER: requiring.issuer,
      DISCOVERED_CLIENT_ID: 'anyone',
      DISCOVERED_CLIENT_SECRET: SECRET,
    },
  }));

  async function signIn(name: string) {
    const browser = app().browser();
    const start = await browser.get(`${APP_ORIGIN}/login/${name}?next=/api/me`, { followRedirects: false });
    const page = await throughDevProvider(browser, await browser.get(start.location!));
    return { start, page };
  }

  it.each(['pushed', 'discovered'])('%s: the parameters are pushed from the server; the browser goes to the provider with the client id and request_uri alone, and the sign-in completes', async (name) => {
    const { start, page } = await signIn(name);
    expect(start.status).toBe(303);
    const sent = new URL(start.location!).searchParams;
    expect([...sent.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(sent.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(page.status).toBe(200);
    expect(JSON.parse(page.text)).toMatchObject({ user: { email: 'alice@example.test' } });
  });

  it('the client the provider holds to PAR, configured without it, is sent back refused, told to set <NAME>_PAR=on, and no code is exchanged', async () => {
    const browser = app().browser();
    const start = await browser.get(`${APP_ORIGIN}/login/unpushed?next=/api/me`, { followRedirects: false });
    expect(new URL(start.location!).searchParams.has('state')).toBe(true);
    const grants = holding.stats.authorizationCodeGrants;
    const page = await browser.get(start.location!);
    expect(page.status).toBe(502);
    expect(page.text).toContain('Unpushed refused the sign-in (invalid_request): its client must push its authorization requests; set UNPUSHED_PAR=on.');
    expect(holding.stats.authorizationCodeGrants).toBe(grants);
  });
});
