import { describe, expect, it } from 'vitest';
import { configWarnings } from './config-warnings.js';
import { providerSettings } from './provider-config.js';

const noProviders = { providers: [], devProvider: null };

describe('configuration warnings', () => {
  it('in production, an http BASE_URL, or none (then http://localhost:<PORT>), is named', () => {
    expect(configWarnings({ ...noProviders, production: true, baseUrl: new URL('http://tokens.example.com') }, { BASE_URL: 'http://tokens.example.com' })).toEqual([
      'BASE_URL is http://tokens.example.com in production: session cookies go without Secure, browsers get no HSTS, and the redirect URIs sent to providers are http. Set BASE_URL to the public https origin.',
    ]);
    expect(configWarnings({ ...noProviders, production: true, baseUrl: new URL('http://localhost:3000') }, {})[0]).toMatch(/^BASE_URL is not set, so it is http:\/\/localhost:3000 in production: /);
  });

  it('none for https in production, nor for http in development', () => {
    expect(configWarnings({ ...noProviders, production: true, baseUrl: new URL('https://tokens.example.com') }, { BASE_URL: 'https://tokens.example.com' })).toEqual([]);
    expect(configWarnings({ ...noProviders, production: false, baseUrl: new URL('http://localhost:3000') }, {})).toEqual([]);
  });

  it("a provider that fetches the client's metadata document, on a localhost BASE_URL it cannot reach, is named with the loopback address to use instead", () => {
    const env = { OAUTH_PROVIDERS: 'bluesky', BLUESKY_PRESET: 'bluesky' };
    const bluesky = (baseUrl: string) => providerSettings(env, 'bluesky', false, process.cwd(), new URL(baseUrl));
    const at = (baseUrl: string) => configWarnings({ production: false, devProvider: null, baseUrl: new URL(baseUrl), providers: [bluesky(baseUrl)] }, env);
    expect(at('http://localhost:3000')).toEqual([
      'BLUESKY: Bluesky fetches its client metadata document from http://localhost:3000/auth/bluesky/client-metadata.json, which it cannot reach. For development, set BASE_URL=http://127.0.0.1:3000 and open the app there (AT Protocol\'s loopback client); otherwise BASE_URL must be the public https origin.',
    ]);
    expect(at('http://127.0.0.1:3000')).toEqual([]);
    expect(at('https://app.example.com')).toEqual([]);
  });

  it('a NODE_ENV other than production, development or test is named: it runs as development', () => {
    const development = { ...noProviders, production: false, baseUrl: new URL('http://localhost:3000') };
    expect(configWarnings(development, { NODE_ENV: 'staging' })).toEqual([
      'NODE_ENV is "staging", which runs as development (only production is production): generated secrets, http provider URLs and the dev provider are allowed. Set NODE_ENV=production or development.',
    ]);
    for (const value of [undefined, '', 'development', 'test']) expect(configWarnings(development, { NODE_ENV: value }), String(value)).toEqual([]);
  });

  it('a variable one letter from a setting, or another name for BASE_URL, is named with the setting it most likely meant', () => {
    const development = { ...noProviders, production: false, baseUrl: new URL('http://localhost:3000') };
    const env = { DATABSE_URL: 'postgres://db/tk', OAUTH_PROVIDER: 'github', TOKEN_ENCRYPTION_KEY: 'k', PUBLIC_URL: 'tokens.example.com', LOGLEVEL: 'debug' };
    expect(configWarnings(development, env)).toEqual([
      'DATABSE_URL is not a Tokenkeeper setting, so nothing reads it; did you mean DATABASE_URL?',
      'LOGLEVEL is not a Tokenkeeper setting, so nothing reads it; did you mean LOG_LEVEL?',
      'OAUTH_PROVIDER is not a Tokenkeeper setting, so nothing reads it; did you mean OAUTH_PROVIDERS?',
      'PUBLIC_URL is not a Tokenkeeper setting, so nothing reads it; did you mean BASE_URL?',
      'TOKEN_ENCRYPTION_KEY is not a Tokenkeeper setting, so nothing reads it; did you mean TOKEN_ENCRYPTION_KEYS?',
    ]);
    // A shell's own variables, and the settings themselves, are not mistakes.
    const shell = { HOME: '/root', HOSTNAME: 'vm', PWD: '/srv', OLDPWD: '/', SHLVL: '1', PATH: '/usr/bin', TERM: 'xterm', NODE_PATH: '/lib', DATABASE_URL: 'sqlite:x.db', HOST: '0.0.0.0' };
    expect(configWarnings(development, shell)).toEqual([]);
  });
});
