import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { providerSettings } from './provider-config.js';

const bluesky = { BLUESKY_PRESET: 'bluesky' };
const APP = new URL('https://app.example.com');

function keyFile(curve: 'P-256' | 'P-384'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'client-key-')), 'key.pem');
  writeFileSync(file, generateKeyPairSync('ec', { namedCurve: curve }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
  return file;
}

function refusal(env: Record<string, string>, baseUrl = APP, production = false): ConfigError {
  try {
    providerSettings(env, 'bluesky', production, process.cwd(), baseUrl);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return error as ConfigError;
  }
  throw new Error('providerSettings did not throw');
}

describe('a preset whose client id is the URL of its metadata document (bluesky)', () => {
  it("takes its client id from BASE_URL: the document's URL, or on a loopback BASE_URL AT Protocol's development client id", () => {
    expect(providerSettings(bluesky, 'bluesky', true, process.cwd(), APP)).toMatchObject({
      clientId: 'https://app.example.com/auth/bluesky/client-metadata.json',
      clientIdMetadataDocument: true,
      tokenEndpointAuthMethod: 'none',
      dpop: true,
      pushedAuthorizationRequests: true,
      discovery: { issuer: 'https://bsky.social', wellKnown: 'oauth-authorization-server' },
    });
    expect(providerSettings(bluesky, 'bluesky', false, process.cwd(), new URL('http://127.0.0.1:3000')).clientId).toBe(
      'http://localhost?redirect_uri=http%3A%2F%2F127.0.0.1%3A3000%2Fauth%2Fbluesky%2Fcallback&scope=atproto%20transition%3Ageneric',
    );
  });

  it('goes to public addresses only, its servers being named by the people signing in; another provider is not held so', () => {
    expect(providerSettings(bluesky, 'bluesky', true, process.cwd(), APP).publicAddressesOnly).toBe(true);
    expect(providerSettings({ ...bluesky, BLUESKY_ISSUER: 'https://pds.example.com' }, 'bluesky', true, process.cwd(), APP).publicAddressesOnly).toBe(true);
    const keycloak = { KEYCLOAK_ISSUER: 'https://sso.internal.example/realms/staff', KEYCLOAK_CLIENT_ID: 'app', KEYCLOAK_CLIENT_SECRET: 'shh' };
    expect(providerSettings(keycloak, 'keycloak', true, process.cwd(), APP)).not.toHaveProperty('publicAddressesOnly');
  });

  it('takes a client id only as the URL its document is served at (https in production): a library has no BASE_URL to make it from', () => {
    const id = refusal({ ...bluesky, BLUESKY_CLIENT_ID: 'abc' });
    expect(id.variable).toBe('BLUESKY_CLIENT_ID');
    expect(id.message).toContain('<BASE_URL>/auth/bluesky/client-metadata.json');
    expect(refusal({ ...bluesky, BLUESKY_CLIENT_ID: 'http://host.example.com/client.json' }, APP, true).variable).toBe('BLUESKY_CLIENT_ID');
    expect(providerSettings({ ...bluesky, BLUESKY_CLIENT_ID: 'https://host.example.com/oauth/client.json' }, 'bluesky', true).clientId).toBe('https://host.example.com/oauth/client.json');
    expect(() => providerSettings(bluesky, 'bluesky', true)).toThrow(expect.objectContaining({ variable: 'BLUESKY_CLIENT_ID', message: expect.stringContaining('is missing') }));
  });

  it('refuses a client secret: there is no registration', () => {
    expect(refusal({ ...bluesky, BLUESKY_CLIENT_SECRET: 'shh' }).variable).toBe('BLUESKY_CLIENT_SECRET');
    const method = refusal({ ...bluesky, BLUESKY_TOKEN_ENDPOINT_AUTH_METHOD: 'client_secret_basic', BLUESKY_CLIENT_SECRET: 'shh' });
    expect(method.variable).toBe('BLUESKY_TOKEN_ENDPOINT_AUTH_METHOD');
    expect(method.message).toContain('must be none or private_key_jwt');
  });

  it('a confidential client signs with a P-256 key named by its id; not on a loopback BASE_URL, whose client no provider fetches', () => {
    const confidential = { ...bluesky, BLUESKY_TOKEN_ENDPOINT_AUTH_METHOD: 'private_key_jwt', BLUESKY_PRIVATE_KEY_FILE: keyFile('P-256'), BLUESKY_PRIVATE_KEY_ID: 'k1' };
    expect(providerSettings(confidential, 'bluesky', false, process.cwd(), APP)).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', privateKey: { keyId: 'k1' } });
    expect(refusal({ ...confidential, BLUESKY_PRIVATE_KEY_FILE: keyFile('P-384') }).message).toContain('needs ES256');
    const { BLUESKY_PRIVATE_KEY_ID: _id, ...unnamed } = confidential;
    expect(refusal(unnamed).variable).toBe('BLUESKY_PRIVATE_KEY_ID');
    const loopback = refusal(confidential, new URL('http://127.0.0.1:3000'));
    expect(loopback.variable).toBe('BLUESKY_TOKEN_ENDPOINT_AUTH_METHOD');
    expect(loopback.message).toContain('loopback');
  });

  it('<NAME>_ISSUER for another authorization server is read at RFC 8414 path as the preset is; <NAME>_PLC_URL is its alone', () => {
    expect(providerSettings({ ...bluesky, BLUESKY_ISSUER: 'https://pds.example.com' }, 'bluesky', true, process.cwd(), APP).discovery).toEqual({ issuer: 'https://pds.example.com', wellKnown: 'oauth-authorization-server' });
    expect(() => providerSettings({ ...bluesky, BLUESKY_PLC_URL: 'https://plc.example.com' }, 'bluesky', true, process.cwd(), APP)).not.toThrow();
    expect(refusal({ ...bluesky, BLUESKY_PLC_URL: 'http://plc.example.com' }, APP, true).variable).toBe('BLUESKY_PLC_URL');
    const elsewhere = (() => {
      try {
        providerSettings({ GITHUB_PRESET: 'github', GITHUB_CLIENT_ID: 'gh', GITHUB_CLIENT_SECRET: 's', GITHUB_PLC_URL: 'https://plc.example.com' }, 'github', false);
      } catch (error) {
        return error as ConfigError;
      }
      return undefined;
    })();
    expect(elsewhere?.variable).toBe('GITHUB_PLC_URL');
  });
});
