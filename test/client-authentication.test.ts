import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevProvider, type DevProvider } from '../src/dev-provider/index.js';
import type { DevProviderClientAuthMethod } from '../src/dev-provider/types.js';
import { DIALECTS } from './support/postgres.js';
import { APP_ORIGIN } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';
import { throughDevProvider } from './support/dev-provider-pages.js';

/**
 * Every token endpoint authentication method, through the documented
 * variables, against the dev provider (oidc-provider), which holds each
 * client to the one method it was registered with.
 */
const SECRET = 'a-client-secret-long-enough-for-hs256-0123456789';
const keys = mkdtempSync(join(tmpdir(), 'tokenkeeper-client-keys-'));
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
writeFileSync(join(keys, 'rsa.pem'), rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(join(keys, 'ec.jwk'), JSON.stringify(ec.privateKey.export({ format: 'jwk' })));
writeFileSync(join(keys, 'stranger.pem'), stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }));

interface Case {
  name: string;
  method: DevProviderClientAuthMethod;
  env: Record<string, string>;
}

const CASES: Case[] = [
  { name: 'basic', method: 'client_secret_basic', env: { CLIENT_SECRET: SECRET } },
  { name: 'post', method: 'client_secret_post', env: { CLIENT_SECRET: SECRET } },
  { name: 'secretjwt', method: 'client_secret_jwt', env: { CLIENT_SECRET: SECRET } },
  { name: 'rsajwt', method: 'private_key_jwt', env: { PRIVATE_KEY_FILE: join(keys, 'rsa.pem'), PRIVATE_KEY_ID: 'rsa-1' } },
  { name: 'ecjwt', method: 'private_key_jwt', env: { PRIVATE_KEY_FILE: join(keys, 'ec.jwk') } },
  { name: 'public', method: 'none', env: {} },
  // Registered with the EC key above, configured with another one: the provider must refuse it.
  { name: 'wrongkey', method: 'private_key_jwt', env: { PRIVATE_KEY_FILE: join(keys, 'stranger.pem') } },
];

function publicJwks(name: string) {
  if (name === 'rsajwt') return { keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', alg: 'RS256', use: 'sig' }] };
  return { keys: [{ ...ec.publicKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig' }] };
}

describe('token endpoint authentication: every method, configured by variables', () => {
  let provider: DevProvider;

  beforeAll(async () => {
    provider = await startDevProvider({
      port: 0,
      clients: CASES.map(({ name, method }) => ({
        clientId: `client-${name}`,
        redirectUris: [`${APP_ORIGIN}/auth/${name}/callback`],
        tokenEndpointAuthMethod: method,
        ...(method === 'private_key_jwt' ? { jwks: publicJwks(name) } : method === 'none' ? {} : { clientSecret: SECRET }),
      })),
    });
  });
  afterAll(() => provider?.close());
  const { app, database } = useTestApp(DIALECTS[0]!, () => {
    const env: Record<string, string> = { OAUTH_PROVIDERS: CASES.map((c) => c.name).join(',') };
    for (const { name, method, env: own } of CASES) {
      const prefix = name.toUpperCase();
      env[`${prefix}_ISSUER`] = provider.issuer;
      env[`${prefix}_CLIENT_ID`] = `client-${name}`;
      env[`${prefix}_TOKEN_ENDPOINT_AUTH_METHOD`] = method;
      env[`${prefix}_SCOPE`] = 'openid profile offline_access';
      for (const [suffix, value] of Object.entries(own)) env[`${prefix}_${suffix}`] = value;
    }
    return { sharedProvider: provider, env };
  });

  async function signIn(name: string) {
    const browser = app().browser();
    return throughDevProvider(browser, await browser.get(`${APP_ORIGIN}/login/${name}?next=/api/me`));
  }

  for (const { name, method } of CASES.filter((c) => c.name !== 'wrongkey')) {
    it(`${method} (${name}): signs in, and the refresh authenticates the same way`, async () => {
      const page = await signIn(name);
      expect(page.status).toBe(200);
      const userId = (JSON.parse(page.text) as { user: { id: string } }).user.id;
      const before = provider.stats.refreshTokenGrants;
      const refreshed = await app().runtime.tokens.refresh(userId, name, { force: true });
      expect(refreshed.accessToken).toEqual(expect.any(String));
      expect(provider.stats.refreshTokenGrants).toBe(before + 1);
    });
  }

  it('a private key the provider does not know is refused: 502 naming the configuration, nothing stored', async () => {
    const users = await database().db.selectFrom('users').select('id').execute();
    const page = await signIn('wrongkey');
    expect(page.status).toBe(502);
    expect(page.text).toContain('refused the sign-in (invalid_client)');
    expect(await database().db.selectFrom('users').select('id').execute()).toHaveLength(users.length);
  });
});
