import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderRegistry } from './provider-registry.js';
import type { ProviderSettings } from './provider-settings.js';
import { revokeAtProvider } from './revocation.js';
import type { StoredTokenSet } from './token-store.js';

/**
 * A discovery document and an RFC 7009 revocation endpoint on 127.0.0.1; the
 * endpoint answers each token type_hint as the test set.
 */
let server: Server;
let origin: string;
let answers: Record<string, { status: number; body: unknown; headers?: Record<string, string> }>;
let hints: string[];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const metadata = { issuer: origin, authorization_endpoint: `${origin}/authorize`, token_endpoint: `${origin}/token`, revocation_endpoint: `${origin}/revoke` };
      if (req.url === '/.well-known/openid-configuration') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(metadata));
      const hint = new URLSearchParams(Buffer.concat(chunks).toString()).get('token_type_hint') ?? '';
      hints.push(hint);
      const answer = answers[hint] ?? { status: 200, body: '' };
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  answers = {};
  hints = [];
});

function registry(): ProviderRegistry {
  const settings: ProviderSettings = {
    name: 'acme',
    displayName: 'Acme',
    clientId: 'client-1',
    clientSecret: 'secret-1',
    tokenEndpointAuthMethod: 'client_secret_basic',
    discovery: { issuer: origin },
    scope: 'openid',
    allowInsecureHttp: true,
  };
  return new ProviderRegistry([settings]);
}

const token: StoredTokenSet = {
  userId: 'u1',
  provider: 'acme',
  accessToken: 'at-1',
  refreshToken: 'rt-1',
  idToken: null,
  tokenType: 'bearer',
  scope: 'openid',
  expiresAt: null,
  status: 'active',
  lastError: null,
  lastRefreshedAt: null,
};
const revoke = () => revokeAtProvider(registry(), token, { accessTokenExpired: false, refreshTokenRefused: false });

describe('revokeAtProvider (RFC 7009)', () => {
  it('revokes the refresh token, then the access token', async () => {
    expect(await revoke()).toEqual({ revokedAtProvider: true, error: null });
    expect(hints).toEqual(['refresh_token', 'access_token']);
  });

  it('reads a refusal whose WWW-Authenticate challenge names no error from its body (RFC 6749 §5.2’s Basic challenge on invalid_client)', async () => {
    answers.refresh_token = { status: 401, body: { error: 'invalid_client' }, headers: { 'www-authenticate': 'Basic realm="acme"' } };
    expect(await revoke()).toEqual({ revokedAtProvider: false, error: 'Acme refused the token revocation (invalid_client).' });
  });

  it('takes an access token already revoked (400 invalid_token) as revoked, a bare challenge with it or not', async () => {
    answers.access_token = { status: 400, body: { error: 'invalid_token' }, headers: { 'www-authenticate': 'Bearer' } };
    expect(await revoke()).toEqual({ revokedAtProvider: true, error: null });
    answers.access_token = { status: 400, body: { error: 'invalid_token' } };
    expect(await revoke()).toEqual({ revokedAtProvider: true, error: null });
  });

  it("takes any refusal of the access token after the refresh token's revocation as the grant ended (Cognito's unsupported_token_type, Better Auth's invalid_request); not a server error, nor a refusal of the refresh token", async () => {
    for (const error of ['unsupported_token_type', 'invalid_request']) {
      answers.access_token = { status: 400, body: { error } };
      expect(await revoke()).toEqual({ revokedAtProvider: true, error: null });
    }
    answers.access_token = { status: 503, body: { error: 'temporarily_unavailable' } };
    expect((await revoke()).revokedAtProvider).toBe(false);
    answers.access_token = { status: 200, body: '' };
    answers.refresh_token = { status: 400, body: { error: 'invalid_request' } };
    expect(await revoke()).toEqual({ revokedAtProvider: false, error: 'Acme refused the token revocation (invalid_request).' });
  });

  it('still reads a challenge that names its error', async () => {
    answers.refresh_token = { status: 401, body: { error: 'invalid_client' }, headers: { 'www-authenticate': 'Basic realm="acme", error="unauthorized_client"' } };
    expect(await revoke()).toEqual({ revokedAtProvider: false, error: 'Acme refused the token revocation (unauthorized_client).' });
  });
});
