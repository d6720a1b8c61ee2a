import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnvironment } from '../cli/load-config.js';
import { configWarnings } from './config-warnings.js';
import { environmentWithDotEnv } from './env-file.js';
import { APPLICATION_VARIABLES } from './provider-variables.js';

const github = { OAUTH_PROVIDERS: 'github', GITHUB_PRESET: 'github', GITHUB_CLIENT_ID: 'Ov23li-client', GITHUB_CLIENT_SECRET: 'github-secret' };

/** A working folder whose `.env` holds `dotEnv`. */
function folderWith(dotEnv: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'tk-variables-'));
  writeFileSync(join(folder, '.env'), Object.entries(dotEnv).map(([name, value]) => `${name}=${value}\n`).join(''));
  return folder;
}

/** As `serve` starts: the configuration (or its error), then the warnings it logs. */
function start(dotEnv: Record<string, string>, env: Record<string, string> = {}): string[] {
  const folder = folderWith(dotEnv);
  const config = configFromEnvironment(env, folder);
  return configWarnings(config, environmentWithDotEnv(folder, env));
}

describe('provider variables that nothing reads', () => {
  it('a mistyped setting of a listed provider in .env stops start-up, naming the setting it most likely meant', () => {
    const folder = folderWith({ ...github, GITHUB_REVOKE_URL: 'https://github.example.com/revoke' });
    expect(() => configFromEnvironment({}, folder)).toThrow(
      'Configuration error: GITHUB_REVOKE_URL (in .env) is not a setting of the github provider; did you mean GITHUB_REVOCATION_URL?',
    );
    expect(() => start({ ...github, GITHUB_SCOPES: 'read:user' })).toThrow('GITHUB_SCOPES (in .env) is not a setting of the github provider; did you mean GITHUB_SCOPE?');
    expect(() => start({ ...github, GITHUB_TOKEN_URL: 'https://x.example.com' })).toThrow('did you mean GITHUB_ACCESS_TOKEN_URL?');
    expect(() => start({ ...github, GITHUB_USERINFO_ENDPOINT: 'https://x.example.com' })).toThrow('did you mean GITHUB_USERINFO_URL?');
  });

  it('one with no near match lists the provider’s settings', () => {
    expect(() => start({ ...github, GITHUB_WEBHOOK: 'x' })).toThrow(
      /^Configuration error: GITHUB_WEBHOOK \(in \.env\) is not a setting of the github provider; its settings are GITHUB_ followed by PRESET, CLIENT_ID, .*, REFRESH_TOKEN_IDLE_DAYS, SIGN_OUT_AT_PROVIDER, DPOP, PAR, CONNECT_ONLY, BASE_URL$/,
    );
  });

  it('a preset value is suggested only to a provider whose preset takes it', () => {
    expect(() => start({ ...github, GITHUB_TENNANT: 'common' })).toThrow(/^Configuration error: GITHUB_TENNANT \(in \.env\) is not a setting of the github provider; its settings are /);
    const microsoft = { OAUTH_PROVIDERS: 'microsoft', MICROSOFT_PRESET: 'microsoft', MICROSOFT_CLIENT_ID: 'id', MICROSOFT_CLIENT_SECRET: 'secret' };
    expect(() => start({ ...microsoft, MICROSOFT_TENNANT: 'common' })).toThrow('MICROSOFT_TENNANT (in .env) is not a setting of the microsoft provider; did you mean MICROSOFT_TENANT?');
    const bungie = { OAUTH_PROVIDERS: 'bungie', BUNGIE_PRESET: 'bungie', BUNGIE_CLIENT_ID: '12345', BUNGIE_CLIENT_SECRET: 'secret', BUNGIE_X_API_KEY: '0123456789abcdef0123456789abcdef' };
    expect(() => start({ ...bungie, BUNGIE_API_KEY: '0123456789abcdef0123456789abcdef' })).toThrow('did you mean BUNGIE_X_API_KEY?');
  });

  it('the real environment, which CI systems and Kubernetes fill with their own GITHUB_… and KEYCLOAK_…, only warns, and only for a near match', () => {
    const environment = { GITHUB_ACTIONS: 'true', GITHUB_SHA: 'ffac537e', KEYCLOAK_SERVICE_HOST: '10.0.0.7', GITHUB_SCOPES: 'repo' };
    expect(start(github, environment)).toEqual(['GITHUB_SCOPES is not a setting of the github provider, so nothing reads it; did you mean GITHUB_SCOPE?']);
  });

  it("a <NAME>_API_KEY in the real environment, as Google's, Stripe's and other SDKs read one, is not taken for a provider's setting", () => {
    const google = { OAUTH_PROVIDERS: 'google', GOOGLE_PRESET: 'google', GOOGLE_CLIENT_ID: '123-abc.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'GOCSPX-secret' };
    expect(start(google, { GOOGLE_API_KEY: 'AIzaSyA-0123456789abcdefghijklmnopqrstu' })).toEqual([]);
  });

  it('the application’s own variables are never taken for a provider’s, whatever the provider is named', () => {
    const login = { OAUTH_PROVIDERS: 'login', LOGIN_PRESET: 'github', LOGIN_CLIENT_ID: 'id', LOGIN_CLIENT_SECRET: 'secret' };
    expect(start({ ...login, LOGIN_RATE_LIMIT: '30' })).toEqual([]);
  });

  it('with two providers, a variable belongs to the longest name that begins it', () => {
    const two = { ...github, OAUTH_PROVIDERS: 'github,github_ent', GITHUB_ENT_PRESET: 'github', GITHUB_ENT_CLIENT_ID: 'id', GITHUB_ENT_CLIENT_SECRET: 's' };
    expect(start({ ...two, GITHUB_ENT_BASE_URL: 'https://github.example.com' })).toEqual([]);
  });

  it('a provider OAUTH_PROVIDERS does not list is named in a warning, from .env or the environment', () => {
    expect(start({ ...github, GOOGLE_CLIENT_ID: 'google-id', GOOGLE_CLIENT_SECRET: 'google-secret' })).toEqual([
      'GOOGLE_CLIENT_ID is set but OAUTH_PROVIDERS (github) does not list google, so nothing reads it',
      'GOOGLE_CLIENT_SECRET is set but OAUTH_PROVIDERS (github) does not list google, so nothing reads it',
    ]);
    const { OAUTH_PROVIDERS: _listed, ...unlisted } = github;
    expect(start({}, unlisted)).toContain(
      'GITHUB_PRESET is set but OAUTH_PROVIDERS is not, so only the local dev provider runs and nothing reads it: add OAUTH_PROVIDERS=github',
    );
  });

  it('every application variable the README documents is known as one', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const documented = [...readme.matchAll(/^\| (.*?) \|/gm)].flatMap(([, cell]) => [...cell!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map(([, name]) => name!));
    expect(documented.length).toBeGreaterThan(25);
    expect(documented.filter((name) => !APPLICATION_VARIABLES.has(name))).toEqual([]);
  });
});
