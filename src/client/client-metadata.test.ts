import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clientMetadataDocument, isLoopbackBaseUrl, metadataDocumentClientId } from './client-metadata.js';
import type { ProviderSettings } from './provider-settings.js';

const APP = new URL('https://app.example.com');

function settings(overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    name: 'bluesky',
    displayName: 'Bluesky',
    clientId: 'https://app.example.com/auth/bluesky/client-metadata.json',
    clientSecret: '',
    tokenEndpointAuthMethod: 'none',
    scope: 'atproto transition:generic',
    dpop: true,
    clientIdMetadataDocument: true,
    allowInsecureHttp: false,
    ...overrides,
  };
}

describe('client ids that are metadata documents', () => {
  it("the document's URL under BASE_URL; on 127.0.0.1 or [::1], AT Protocol's development client id with the redirect URI and scope", () => {
    expect(metadataDocumentClientId(APP, 'bluesky', 'atproto')).toBe('https://app.example.com/auth/bluesky/client-metadata.json');
    expect(metadataDocumentClientId(new URL('http://[::1]:8080'), 'sky', 'atproto transition:generic')).toBe(
      'http://localhost?redirect_uri=http%3A%2F%2F%5B%3A%3A1%5D%3A8080%2Fauth%2Fsky%2Fcallback&scope=atproto%20transition%3Ageneric',
    );
    expect(isLoopbackBaseUrl(new URL('http://localhost:3000'))).toBe(false);
    expect(isLoopbackBaseUrl(new URL('https://127.0.0.1'))).toBe(false);
  });

  it('a public client: its callback, scope, method and DPoP, nothing secret', () => {
    expect(clientMetadataDocument(settings(), 'https://app.example.com/auth/bluesky/callback')).toEqual({
      client_id: 'https://app.example.com/auth/bluesky/client-metadata.json',
      client_uri: 'https://app.example.com',
      application_type: 'web',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['https://app.example.com/auth/bluesky/callback'],
      scope: 'atproto transition:generic',
      token_endpoint_auth_method: 'none',
      dpop_bound_access_tokens: true,
    });
  });

  it('none for a provider whose client id is not its document\'s URL: not_found', () => {
    expect(() => clientMetadataDocument(settings({ clientIdMetadataDocument: false }), 'https://app.example.com/auth/bluesky/callback')).toThrow(
      expect.objectContaining({ code: 'not_found', message: 'Bluesky reads no client metadata document.' }),
    );
  });

  it("a confidential client publishes its key's public half alone, by its key id", () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const document = clientMetadataDocument(settings({ tokenEndpointAuthMethod: 'private_key_jwt', privateKey: { key: pem, keyId: 'k1' } }), 'https://app.example.com/auth/bluesky/callback');
    const { d: _private, ...publicHalf } = privateKey.export({ format: 'jwk' });
    expect(document).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [{ ...publicHalf, kid: 'k1', alg: 'ES256', use: 'sig' }] } });
    expect(JSON.stringify(document)).not.toContain(privateKey.export({ format: 'jwk' }).d!);
  });
});
