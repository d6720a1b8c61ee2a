import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import type { RevocationRequest } from '../provider-hooks.js';
import { listedRegionalServer, namedServer } from '../regional-servers.js';
import { acrobat_sign } from './acrobat_sign.js';

const settings = acrobat_sign.settings({});
const { codeExchangeServer, profileClaims, revoke } = settings.hooks!;

describe('acrobat_sign settings: NA1 as configured, each shard beside it', () => {
  it("starts at the shardless authorization page and names NA1's token, refresh, user, revocation and REST endpoints; each connection's API base is its shard's /api/rest/v6", () => {
    expect(settings.endpoints).toEqual({
      authorizationEndpoint: 'https://secure.adobesign.com/public/oauth/v2',
      tokenEndpoint: 'https://api.na1.adobesign.com/oauth/v2/token',
      refreshEndpoint: 'https://api.na1.adobesign.com/oauth/v2/refresh',
      userinfoEndpoint: 'https://api.na1.adobesign.com/api/rest/v6/users/me',
      revocationEndpoint: 'https://api.na1.adobesign.com/oauth/v2/revoke',
    });
    expect(settings.apiBaseUrl).toBe('https://api.na1.adobesign.com/api/rest/v6');
    expect(settings.connectionApiBase).toEqual({ regionalServerPath: '/api/rest/v6' });
    expect(settings.scope).toBe('user_read:self');
    expect(settings.tokenEndpointAuthMethod).toBe('client_secret_post');
    expect(settings.refreshTokenIdleSeconds).toBe(60 * 86_400);
  });
});

describe('acrobat_sign codeExchangeServer: the callback’s api_access_point', () => {
  const server = (query: string) => codeExchangeServer!(new URLSearchParams(query));
  const listed = (query: string) => {
    const named = server(query);
    return named === undefined ? undefined : listedRegionalServer(settings, namedServer({ allowInsecureHttp: false }, named, settings.endpoints!.tokenEndpoint));
  };

  it('names the api_access_point as it came, and none without one', () => {
    expect(server('code=c&api_access_point=https%3A%2F%2Fapi.eu1.adobesign.com%2F&web_access_point=https%3A%2F%2Fsecure.eu1.adobesign.com%2F')).toBe('https://api.eu1.adobesign.com/');
    expect(server('code=c&state=s')).toBeUndefined();
  });

  it("is one of the preset's shards for each shard's API host, and never for another host", () => {
    for (const shard of ['na2', 'na3', 'na4', 'eu1', 'jp1', 'au1']) expect(listed(`code=c&api_access_point=https://api.${shard}.adobesign.com/`)).toBe(`https://api.${shard}.adobesign.com`);
    for (const host of ['https://api.eu1.adobesign.com.evil.example/', 'https://evil.example/api.eu1.adobesign.com/', 'https://api.eu1.adobesign.com@evil.example/', 'http://api.eu1.adobesign.com/', 'https://api.eu1.adobesign.com:8443/', 'https://secure.eu1.adobesign.com/']) {
      expect(listed(`code=c&api_access_point=${encodeURIComponent(host)}`)).toBeUndefined();
    }
  });
});

describe('acrobat_sign profileClaims: /api/rest/v6/users/me', () => {
  it('takes the id, the first and last names joined, and the e-mail', () => {
    const me = { id: 'CBJCHBCAABAAs9QkXXu0JJiLlyGcI0N_2NvPgvoiTQvI', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical Engines', accountType: 'ENTERPRISE', status: 'ACTIVE', isAccountAdmin: false };
    expect(profileClaims!(me)).toEqual({ id: me.id, name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  it('leaves out empty names and e-mails, and names no one without an id', () => {
    expect(profileClaims!({ id: 'u-1', firstName: ' ', lastName: 'Lovelace', email: '' })).toEqual({ id: 'u-1', name: 'Lovelace' });
    expect(profileClaims!({ email: 'no-id@example.com' })).toBeUndefined();
    expect(profileClaims!({ id: '  ' })).toBeUndefined();
    expect(profileClaims!({ code: 'INVALID_ACCESS_TOKEN', message: 'Access token provided is invalid or has expired' })).toBeUndefined();
  });
});

describe('acrobat_sign revoke: one /oauth/v2/revoke of the refresh token', () => {
  const endpoint = 'https://api.eu1.adobesign.com/oauth/v2/revoke';
  const request = (status: number, body?: unknown, fields: Partial<Omit<RevocationRequest, 'send'>> = {}) => revocationRequest(answer(status, body), { revocationEndpoint: endpoint, ...fields });

  it('200 with no body is revoked; the refresh token alone goes in the form, to the endpoint given (the connection’s shard)', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.init.body))).toEqual({ token: 'refresh' });
  });

  it('without a refresh token, the access token is revoked', async () => {
    const { value, sent } = request(200, undefined, { refreshToken: null });
    expect(await revoke!(value)).toBe('revoked');
    expect(new URLSearchParams(sent[0]!.init.body).get('token')).toBe('live');
  });

  it('EXPIRED_TOKEN is already revoked; INVALID_TOKEN only once Acrobat Sign refused the refresh token; anything else fails', async () => {
    expect(await revoke!(request(400, { code: 'EXPIRED_TOKEN', message: 'The token is expired or already revoked' }).value)).toBe('already_revoked');
    expect(await revoke!(request(400, { error: 'EXPIRED_TOKEN' }).value)).toBe('already_revoked');
    expect(await revoke!(request(400, { code: 'INVALID_TOKEN' }, { refreshTokenRefused: true }).value)).toBe('already_revoked');
    await expect(revoke!(request(400, { code: 'INVALID_TOKEN' }).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'Acrobat Sign answered HTTP 400 (INVALID_TOKEN) to the token revocation.' });
    await expect(revoke!(request(400, { code: 'INVALID_REQUEST' }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(401, 'not json').value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'Acrobat Sign answered HTTP 401 to the token revocation.' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });

  it('refuses to send without a revocation endpoint', async () => {
    await expect(revoke!(revocationRequest(answer(200), {}).value)).rejects.toThrow('needs the revocation endpoint');
  });
});
