// ID tokens and userinfo answers encrypted to the client (JWE; OpenID Connect Core §10.2), through the documented
// variables, against the dev provider (oidc-provider), which signs them and then encrypts them to the key the
// client registered: the app decrypts with <NAME>_DECRYPTION_KEY_FILE, checks them as it checks signed ones, and
// publishes the key's public half at /auth/<name>/jwks.json.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptionPublicJwk, readDecryptionKey } from '../src/client/response-decryption.js';
import { startDevProvider, type DevProvider } from '../src/dev-provider/index.js';
import type { DevProviderClient } from '../src/dev-provider/types.js';
import { createTokenkeeper } from '../src/library/index.js';
import { TestBrowser } from './support/browser.js';
import { PluginHost } from './support/plugin-host.js';
import { DIALECTS } from './support/postgres.js';
import { APP_ORIGIN, TEST_ENCRYPTION_KEY } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';
import { throughDevProvider } from './support/dev-provider-pages.js';

const SECRET = 'a-client-secret-long-enough-for-hs256-0123456789';
const files = mkdtempSync(join(tmpdir(), 'tokenkeeper-decryption-keys-'));
const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ecJwk = JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }));
const signingPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const strangerPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const nextPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
writeFileSync(join(files, 'rsa.pem'), rsaPem);
writeFileSync(join(files, 'ec.jwk'), ecJwk);
writeFileSync(join(files, 'signing.pem'), signingPem);
writeFileSync(join(files, 'stranger.pem'), strangerPem);
writeFileSync(join(files, 'next.pem'), nextPem);

/** The public JWK the provider encrypts to, as the app derives it. */
const encryptionJwk = (text: string, algorithm?: string, keyId?: string) => decryptionPublicJwk(readDecryptionKey(text, algorithm, keyId));

interface Case {
  name: string;
  /** How the provider encrypts to this client, and to which key (none: it does not). */
  encryption?: { alg: string; enc?: string; to: Record<string, unknown> };
  /** The provider's client otherwise: its authentication and any signing key. */
  client?: Partial<DevProviderClient>;
  env: Record<string, string>;
}

const CASES: Case[] = [
  // An RSA key in PEM, its default algorithm and thumbprint id.
  { name: 'rsaenc', encryption: { alg: 'RSA-OAEP-256', to: encryptionJwk(rsaPem) }, env: { DECRYPTION_KEY_FILE: join(files, 'rsa.pem') } },
  // An EC key as a JWK, ECDH-ES with key wrapping and AES-GCM content, its own id; the client also signs its assertions.
  {
    name: 'ecenc',
    encryption: { alg: 'ECDH-ES+A256KW', enc: 'A256GCM', to: encryptionJwk(ecJwk, 'ECDH-ES+A256KW', 'enc-1') },
    client: { tokenEndpointAuthMethod: 'private_key_jwt', clientSecret: undefined },
    env: { DECRYPTION_KEY_FILE: join(files, 'ec.jwk'), DECRYPTION_KEY_ALG: 'ECDH-ES+A256KW', DECRYPTION_KEY_ID: 'enc-1', TOKEN_ENDPOINT_AUTH_METHOD: 'private_key_jwt', PRIVATE_KEY_FILE: join(files, 'signing.pem'), PRIVATE_KEY_ID: 'sig-1' },
  },
  // A key being replaced: the app holds the next one first and the current one, which the provider still encrypts to.
  { name: 'rotating', encryption: { alg: 'RSA-OAEP-256', to: encryptionJwk(rsaPem) }, env: { DECRYPTION_KEY_FILE: `${join(files, 'next.pem')},${join(files, 'rsa.pem')}` } },
  // The provider encrypts to a key the app does not hold.
  { name: 'otherkey', encryption: { alg: 'RSA-OAEP-256', to: encryptionJwk(strangerPem) }, env: { DECRYPTION_KEY_FILE: join(files, 'rsa.pem') } },
  // The provider encrypts, and the app has no key to decrypt with.
  { name: 'nokey', encryption: { alg: 'RSA-OAEP-256', to: encryptionJwk(rsaPem) }, env: {} },
  // Neither: nothing to publish.
  { name: 'plain', env: {} },
];

/** The public JWK of the key that signs the ecenc client's assertions. */
const signingJwk = createPublicKey(signingPem).export({ format: 'jwk' }) as Record<string, unknown>;

function providerClient({ name, encryption, client }: Case): DevProviderClient {
  const signing = client?.tokenEndpointAuthMethod === 'private_key_jwt' ? [{ ...signingJwk, kid: 'sig-1', alg: 'ES256', use: 'sig' }] : [];
  const keys = [...(encryption ? [encryption.to] : []), ...signing];
  return {
    clientId: `client-${name}`,
    clientSecret: SECRET,
    redirectUris: [`${APP_ORIGIN}/auth/${name}/callback`],
    ...client,
    ...(keys.length > 0 ? { jwks: { keys } } : {}),
    ...(encryption ? { encryptedResponses: { alg: encryption.alg, ...(encryption.enc ? { enc: encryption.enc } : {}) } } : {}),
  } as DevProviderClient;
}

describe('encrypted ID tokens and userinfo answers (JWE), configured by variables', () => {
  let provider: DevProvider;

  beforeAll(async () => {
    provider = await startDevProvider({ port: 0, clients: CASES.map(providerClient) });
  });
  afterAll(() => provider?.close());
  const { app, database } = useTestApp(DIALECTS[0]!, () => {
    const env: Record<string, string> = { OAUTH_PROVIDERS: CASES.map((c) => c.name).join(',') };
    for (const { name, env: own } of CASES) {
      const prefix = name.toUpperCase();
      env[`${prefix}_ISSUER`] = provider.issuer;
      env[`${prefix}_CLIENT_ID`] = `client-${name}`;
      env[`${prefix}_SCOPE`] = 'openid profile email offline_access';
      if (own.TOKEN_ENDPOINT_AUTH_METHOD === undefined) env[`${prefix}_CLIENT_SECRET`] = SECRET;
      for (const [suffix, value] of Object.entries(own)) env[`${prefix}_${suffix}`] = value;
    }
    return { sharedProvider: provider, env };
  });

  async function signIn(name: string) {
    const browser = app().browser();
    return throughDevProvider(browser, await browser.get(`${APP_ORIGIN}/login/${name}?next=/api/me`));
  }

  for (const name of ['rsaenc', 'ecenc', 'rotating']) {
    it(`${name}: signs in with the ID token and userinfo decrypted, and refreshes the same way`, async () => {
      const userinfoBefore = provider.stats.userinfoAnswers;
      const page = await signIn(name);
      expect(page.status, page.text).toBe(200);
      const me = JSON.parse(page.text) as { user: { id: string; email: string | null; name: string | null } };
      expect(me.user).toMatchObject({ email: "alice@example.test", name: expect.any(String) });
      expect(provider.stats.userinfoAnswers).toBeGreaterThan(userinfoBefore);
      const account = await database().db.selectFrom('accounts').select(['subject', 'provider']).where('user_id', '=', me.user.id).where('provider', '=', name).executeTakeFirstOrThrow();
      expect(account.subject).toEqual(expect.any(String));

      const before = provider.stats.refreshTokenGrants;
      const refreshed = await app().runtime.tokens.refresh(me.user.id, name, { force: true });
      expect(refreshed.accessToken).toEqual(expect.any(String));
      expect(provider.stats.refreshTokenGrants).toBe(before + 1);
    });
  }

  it('publishes the public half of each key at /auth/<name>/jwks.json: the one encrypted to, and the one signing assertions', async () => {
    const rsa = await app().runtime.app.inject({ method: 'GET', url: '/auth/rsaenc/jwks.json' });
    expect(rsa.statusCode).toBe(200);
    expect(rsa.headers['content-type']).toContain('application/jwk-set+json');
    expect(rsa.headers['cache-control']).toContain('public');
    expect(rsa.json()).toEqual({ keys: [CASES[0]!.encryption!.to] });
    const [encryptionKey] = (rsa.json() as { keys: Array<Record<string, unknown>> }).keys;
    expect(encryptionKey).toMatchObject({ kty: 'RSA', use: 'enc', alg: 'RSA-OAEP-256', kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(encryptionKey).not.toHaveProperty('d');

    const ec = (await app().runtime.app.inject({ method: 'GET', url: '/auth/ecenc/jwks.json' })).json() as { keys: Array<Record<string, unknown>> };
    expect(ec.keys).toEqual([
      { ...CASES[1]!.encryption!.to, kid: 'enc-1', use: 'enc', alg: 'ECDH-ES+A256KW' },
      { ...signingJwk, kid: 'sig-1', use: 'sig', alg: 'ES256' },
    ]);
    expect(JSON.stringify(ec)).not.toContain('"d"');

    // While a key is replaced, both are published, the next one first.
    const rotating = (await app().runtime.app.inject({ method: 'GET', url: '/auth/rotating/jwks.json' })).json() as { keys: unknown[] };
    expect(rotating.keys).toEqual([encryptionJwk(nextPem), encryptionJwk(rsaPem)]);

    expect((await app().runtime.app.inject({ method: 'GET', url: '/auth/plain/jwks.json' })).statusCode).toBe(404);
    expect((await app().runtime.app.inject({ method: 'GET', url: '/auth/nosuch/jwks.json' })).statusCode).toBe(404);
  });

  it('an ID token encrypted to another key, or to a client with no key, is refused: 502, nothing stored', async () => {
    const users = await database().db.selectFrom('users').select('id').execute();
    const refusals = { otherkey: 'to a key other than the one configured', nokey: 'no decryption key is configured for it' };
    for (const [name, reason] of Object.entries(refusals)) {
      const page = await signIn(name);
      expect(page.status, page.text).toBe(502);
      expect(page.text).toContain(reason);
    }
    expect(await database().db.selectFrom('users').select('id').execute()).toHaveLength(users.length);
  });
});

describe('encrypted responses through the library and tokenkeeper/fastify', () => {
  let provider: DevProvider;
  const host = new PluginHost();

  beforeAll(async () => {
    provider = await startDevProvider({ port: 0, clients: [providerClient(CASES[1]!)] });
    const tokenkeeper = await createTokenkeeper({
      database: `sqlite:${join(files, 'library.db')}`,
      encryptionKeys: [TEST_ENCRYPTION_KEY],
      providers: {
        ecenc: {
          issuer: provider.issuer,
          clientId: 'client-ecenc',
          scope: 'openid profile email',
          tokenEndpointAuthMethod: 'private_key_jwt',
          privateKeyFile: join(files, 'signing.pem'),
          privateKeyId: 'sig-1',
          decryptionKeyFile: join(files, 'ec.jwk'),
          decryptionKeyAlg: 'ECDH-ES+A256KW',
          decryptionKeyId: 'enc-1',
        },
      },
    });
    host.app.addHook('onClose', () => tokenkeeper.close());
    await host.serve(tokenkeeper);
  });
  afterAll(async () => {
    await host.close();
    await provider?.close();
  });

  it('signs in with the encrypted ID token decrypted, and the plugin serves the keys signIn.clientJwks gives', async () => {
    const browser = new TestBrowser({ fetch: host.fetch });
    const page = await throughDevProvider(browser, await browser.get(`${APP_ORIGIN}/auth/ecenc/login`));
    expect(page.url).toBe(`${APP_ORIGIN}/`);
    expect(host.signIns.at(-1)).toMatchObject({ identity: { provider: 'ecenc', email: 'alice@example.test' }, connection: { status: 'active' } });

    const served = await host.app.inject({ method: 'GET', url: '/auth/ecenc/jwks.json' });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toContain('application/jwk-set+json');
    expect((served.json() as { keys: Array<{ kid: string; use: string }> }).keys.map(({ kid, use }) => [kid, use])).toEqual([['enc-1', 'enc'], ['sig-1', 'sig']]);
  });
});
