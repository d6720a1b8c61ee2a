import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { visma } from './visma.js';

const settings = visma.settings({});
const revoke = settings.hooks!.revoke!;

function revocation(overrides: Partial<RevocationRequest>, answer: Response, sent: Array<{ url: string; init: { method: string; headers: Record<string, string>; body?: string } }>): RevocationRequest {
  return {
    clientId: 'isv_acme',
    clientSecret: 's3cr3t',
    apiBaseUrl: undefined,
    revocationEndpoint: 'https://connect.visma.com/connect/revocation',
    apiHeaders: {},
    accessToken: 'access',
    accessTokenExpired: false,
    refreshTokenRefused: false,
    refreshToken: 'refresh',
    send: async (url, init) => {
      sent.push({ url, init });
      return answer;
    },
    ...overrides,
  };
}

describe('visma settings', () => {
  it('discovers https://connect.visma.com, asks openid profile email offline_access without a consent prompt, sends the client in the form, and names the revocation endpoint', () => {
    expect(settings).toMatchObject({
      discovery: { issuer: 'https://connect.visma.com' },
      metadataOverrides: { revocationEndpoint: 'https://connect.visma.com/connect/revocation' },
      scope: 'openid profile email offline_access',
      apiBaseUrl: 'https://connect.visma.com/connect',
      tokenEndpointAuthMethod: 'client_secret_post',
      refreshTokenNeedsConsent: false,
    });
    // PKCE S256 (the default); the subject is the ID token's sub.
    expect(settings.pkce).toBeUndefined();
    expect(settings.subjectClaim).toBeUndefined();
    expect(settings.endpoints).toBeUndefined();
    expect(visma.values).toBeUndefined();
  });
});

describe('visma revoke', () => {
  it('posts the refresh token alone with its hint, the client as plain Basic', async () => {
    const sent: Array<{ url: string; init: { method: string; headers: Record<string, string>; body?: string } }> = [];
    expect(await revoke(revocation({}, new Response('', { status: 200 }), sent))).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://connect.visma.com/connect/revocation');
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers.authorization).toBe(`Basic ${Buffer.from('isv_acme:s3cr3t').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.init.body))).toEqual({ token: 'refresh', token_type_hint: 'refresh_token' });
  });

  it('fails on a refusal, and without a refresh token (Visma revokes no access token) sends nothing', async () => {
    const sent: Array<{ url: string; init: { method: string; headers: Record<string, string>; body?: string } }> = [];
    await expect(revoke(revocation({}, new Response('{"error":"invalid_client"}', { status: 400 }), sent))).rejects.toThrow('Visma Connect refused the token revocation (HTTP 400).');
    await expect(revoke(revocation({ refreshToken: null }, new Response('', { status: 200 }), sent))).rejects.toThrow('revokes refresh tokens only');
    expect(sent).toHaveLength(1);
  });
});
