import { describe, expect, it } from 'vitest';
import { REGISTERED_AT_EACH_SERVER } from '../client/provider-settings.js';
import { ConfigError } from './config-error.js';
import { providerSettings } from './provider-config.js';

const fediverse = { FEDIVERSE_PRESET: 'fediverse', FEDIVERSE_BASE_URL: 'https://mastodon.social' };
const APP = new URL('https://app.example.com');

function refusal(env: Record<string, string>, baseUrl: URL | null = APP): ConfigError {
  try {
    providerSettings(env, 'fediverse', true, process.cwd(), baseUrl ?? undefined);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return error as ConfigError;
  }
  throw new Error('providerSettings did not throw');
}

describe('a preset that registers the app at each server (fediverse)', () => {
  it('has no client of its own: what it registers as comes from BASE_URL (its callback, its host as the name, its origin as the website)', () => {
    expect(providerSettings(fediverse, 'fediverse', true, process.cwd(), APP)).toMatchObject({
      clientId: REGISTERED_AT_EACH_SERVER,
      clientSecret: '',
      clientRegistration: { redirectUri: 'https://app.example.com/auth/fediverse/callback', clientName: 'app.example.com', website: 'https://app.example.com' },
      discovery: { issuer: 'https://mastodon.social', wellKnown: 'oauth-authorization-server' },
      scope: 'profile',
      publicAddressesOnly: true,
      accountPrompt: { label: expect.stringContaining('Mastodon server') },
    });
  });

  it('refuses a client id, a secret, an authentication method or a key: each server gives the app its own client', () => {
    for (const suffix of ['CLIENT_ID', 'CLIENT_SECRET', 'TOKEN_ENDPOINT_AUTH_METHOD', 'PRIVATE_KEY_FILE']) {
      const error = refusal({ ...fediverse, [`FEDIVERSE_${suffix}`]: 'x' });
      expect(error.variable).toBe(`FEDIVERSE_${suffix}`);
      expect(error.message).toContain('registers this app at each server people sign in at');
    }
  });

  it('needs the default server, and the callback it registers: under the app\'s BASE_URL, or a library host\'s own route', () => {
    expect(refusal({ FEDIVERSE_PRESET: 'fediverse' }).variable).toBe('FEDIVERSE_BASE_URL');
    const withoutApp = refusal(fediverse, null);
    expect(withoutApp.variable).toBe('FEDIVERSE_REDIRECT_URI');
    expect(withoutApp.message).toContain('is missing');
    expect(withoutApp.message).toContain('the absolute URL of the callback route');

    const hostCallback = new URL('https://host.example.org/oauth/mastodon/return?from=tokenkeeper');
    expect(providerSettings(fediverse, 'fediverse', true, process.cwd(), undefined, hostCallback).clientRegistration).toEqual({
      redirectUri: 'https://host.example.org/oauth/mastodon/return?from=tokenkeeper',
      clientName: 'host.example.org',
      website: 'https://host.example.org',
    });
  });

  it('refuses a registered callback for a preset with a client of its own', () => {
    const github = { GITHUB_PRESET: 'github', GITHUB_CLIENT_ID: 'id', GITHUB_CLIENT_SECRET: 'secret' };
    expect(() => providerSettings(github, 'github', true, process.cwd(), undefined, new URL('https://host.example.org/cb'))).toThrow(
      expect.objectContaining({ variable: 'GITHUB_REDIRECT_URI', message: expect.stringContaining('is not used') }),
    );
  });
});
