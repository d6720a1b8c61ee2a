import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateEncryptionKey } from '../db/token-cipher.js';
import { loadConfig as loadOnly } from './config.js';
import { withDevelopmentSecrets } from './dev-secrets.js';
import { ConfigError } from './config-error.js';
import { environmentWithDotEnv } from './env-file.js';

const workdir = () => mkdtempSync(join(tmpdir(), 'tk-config-'));
/** As the CLI loads it: development secrets first (withDevelopmentSecrets), then the checks. */
const loadConfig = (env: Record<string, string>, cwd: string) => loadOnly(withDevelopmentSecrets(env, cwd), cwd);
const productionSecrets = { NODE_ENV: 'production', SECRET_KEY: 'x'.repeat(40), TOKEN_ENCRYPTION_KEYS: generateEncryptionKey() };

function configError(env: Record<string, string>, cwd = workdir()): ConfigError {
  try {
    loadConfig(env, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('loadConfig did not throw');
}

describe('configuration', () => {
  it('defaults to SQLite, port 3000 and the local dev provider registered as toolkit', () => {
    const config = loadConfig({}, workdir());
    expect(config.databaseUrl).toBe('sqlite:./data/tokenkeeper.db');
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.baseUrl.origin).toBe('http://localhost:3000');
    expect(config.devProvider?.port).toBe(4000);
    expect(config.providers.map((p) => p.name)).toEqual(['toolkit']);
    expect(config.loginRateLimit).toBe(60);
  });

  it('DEV_PROVIDER_PORT the same as PORT stops start-up naming both, instead of a listen failure blaming another server', () => {
    expect(configError({ PORT: '4700', DEV_PROVIDER_PORT: '4700' }).message).toBe('Configuration error: DEV_PROVIDER_PORT must differ from PORT (both are 4700)');
    expect(configError({ PORT: '4000' }).message).toBe(
      'Configuration error: DEV_PROVIDER_PORT must differ from PORT (both are 4000): 4000 is its default; set DEV_PROVIDER_PORT to another port',
    );
    // PORT=0 takes any free port; with real providers there is no dev provider to clash with.
    expect(loadConfig({ PORT: '0' }, workdir()).port).toBe(0);
    expect(loadConfig({ PORT: '4000', OAUTH_PROVIDERS: 'toolkit', TOOLKIT_CLIENT_ID: 'id', TOOLKIT_CLIENT_SECRET: 's', TOOLKIT_ISSUER: 'https://id.example.com' }, workdir()).devProvider).toBeNull();
  });

  it('a provider listed twice is named', () => {
    expect(configError({ OAUTH_PROVIDERS: 'github, google,github' }).message).toBe('Configuration error: OAUTH_PROVIDERS lists github twice');
    expect(configError({ OAUTH_PROVIDERS: 'github, google,GitHub' }).message).toBe(
      'Configuration error: OAUTH_PROVIDERS lists github twice (as github and GitHub: provider names are not case-sensitive)',
    );
  });

  it('a missing <NAME>_CLIENT_ID gives one line naming the variable', () => {
    const error = configError({ OAUTH_PROVIDERS: 'toolkit', TOOLKIT_ISSUER: 'https://id.example.com' });
    expect(error.message).toBe('Configuration error: TOOLKIT_CLIENT_ID is missing (OAUTH_PROVIDERS lists "toolkit")');
    expect(error.message).not.toContain('\n');
    expect(error.variable).toBe('TOOLKIT_CLIENT_ID');
  });

  it('a provider with neither discovery nor endpoints names what to set', () => {
    const error = configError({ OAUTH_PROVIDERS: 'acme', ACME_CLIENT_ID: 'id', ACME_CLIENT_SECRET: 'secret' });
    expect(error.variable).toBe('ACME_ISSUER');
    expect(error.message).toContain('ACME_AUTHORIZE_URL');
  });

  it('production refuses to start without SECRET_KEY and TOKEN_ENCRYPTION_KEYS', () => {
    expect(configError({ NODE_ENV: 'production' }).variable).toBe('SECRET_KEY');
    expect(configError({ NODE_ENV: 'production', SECRET_KEY: 'x'.repeat(40) }).variable).toBe('TOKEN_ENCRYPTION_KEYS');
  });

  it('production refuses http: provider URLs and the dev provider', () => {
    expect(configError(productionSecrets).variable).toBe('OAUTH_PROVIDERS');
    const error = configError({
      ...productionSecrets,
      OAUTH_PROVIDERS: 'toolkit',
      TOOLKIT_CLIENT_ID: 'id',
      TOOLKIT_CLIENT_SECRET: 'secret',
      TOOLKIT_ISSUER: 'http://id.example.com',
    });
    expect(error.variable).toBe('TOOLKIT_ISSUER');
    expect(error.message).toContain('https');
  });

  it('malformed values are named: PORT, DATABASE_URL, TOKEN_ENCRYPTION_KEYS, LOG_LEVEL, BASE_URL', () => {
    expect(configError({ PORT: 'eighty' }).variable).toBe('PORT');
    expect(configError({ DATABASE_URL: 'mysql://x' }).variable).toBe('DATABASE_URL');
    expect(configError({ TOKEN_ENCRYPTION_KEYS: 'not-a-key' }).variable).toBe('TOKEN_ENCRYPTION_KEYS');
    expect(configError({ LOG_LEVEL: 'loud' }).variable).toBe('LOG_LEVEL');
    expect(configError({ BASE_URL: 'https://app.example.com/sub' }).variable).toBe('BASE_URL');
    expect(configError({ CA_FILE: '/nonexistent/ca.pem' }).variable).toBe('CA_FILE');
    expect(configError({ OAUTH_PROVIDERS: 'a b' }).variable).toBe('OAUTH_PROVIDERS');
  });

  it('REQUEST_TIMEOUT_SECONDS and CONNECTION_TIMEOUT_SECONDS: 30 and 120 by default, whole seconds from 1, else one line naming them', () => {
    const defaults = loadConfig({}, workdir());
    expect([defaults.requestTimeoutSeconds, defaults.connectionTimeoutSeconds]).toEqual([30, 120]);
    const set = loadConfig({ REQUEST_TIMEOUT_SECONDS: '5', CONNECTION_TIMEOUT_SECONDS: '600' }, workdir());
    expect([set.requestTimeoutSeconds, set.connectionTimeoutSeconds]).toEqual([5, 600]);
    for (const variable of ['REQUEST_TIMEOUT_SECONDS', 'CONNECTION_TIMEOUT_SECONDS']) {
      for (const bad of ['0', '-1', '2.5', 'soon', '3601']) {
        const error = configError({ [variable]: bad });
        expect(error.variable).toBe(variable);
        expect(error.message).toBe(`Configuration error: ${variable} must be a whole number from 1 to 3600 (got "${bad}")`);
      }
    }
  });

  it('PROXY_UPLOAD_LIMIT_MB: 200 by default, whole MiB from 1 to 10240, else one line naming it', () => {
    expect(loadConfig({}, workdir()).proxyUploadLimitMb).toBe(200);
    expect(loadConfig({ PROXY_UPLOAD_LIMIT_MB: '150' }, workdir()).proxyUploadLimitMb).toBe(150);
    for (const bad of ['0', '-1', '1.5', '150MB', '10241']) {
      const error = configError({ PROXY_UPLOAD_LIMIT_MB: bad });
      expect(error.variable).toBe('PROXY_UPLOAD_LIMIT_MB');
      expect(error.message).toBe(`Configuration error: PROXY_UPLOAD_LIMIT_MB must be a whole number from 1 to 10240 (got "${bad}")`);
    }
  });

  it('SHUTDOWN_TIMEOUT_SECONDS: 25 by default, whole seconds from 1 to 3600; TRUST_PROXY: false by default, checked', () => {
    const defaults = loadConfig({}, workdir());
    expect([defaults.shutdownTimeoutSeconds, defaults.trustProxy]).toEqual([25, false]);
    const set = loadConfig({ SHUTDOWN_TIMEOUT_SECONDS: '50', TRUST_PROXY: '10.0.0.0/8' }, workdir());
    expect([set.shutdownTimeoutSeconds, set.trustProxy]).toEqual([50, ['10.0.0.0/8']]);
    for (const bad of ['0', '2.5', 'soon', '3601']) {
      expect(configError({ SHUTDOWN_TIMEOUT_SECONDS: bad }).message).toBe(`Configuration error: SHUTDOWN_TIMEOUT_SECONDS must be a whole number from 1 to 3600 (got "${bad}")`);
    }
    expect(configError({ TRUST_PROXY: 'nginx' }).variable).toBe('TRUST_PROXY');
  });

  it('AUDIT_LOG_RETENTION_DAYS: 0 (kept for ever) by default, whole days from 0 to 36500, else one line naming it', () => {
    expect(loadConfig({}, workdir()).auditLogRetentionDays).toBe(0);
    expect(loadConfig({ AUDIT_LOG_RETENTION_DAYS: ' 90 ' }, workdir()).auditLogRetentionDays).toBe(90);
    expect(loadConfig({ AUDIT_LOG_RETENTION_DAYS: '36500' }, workdir()).auditLogRetentionDays).toBe(36_500);
    for (const bad of ['-1', '1.5', '90d', '36501']) {
      expect(configError({ AUDIT_LOG_RETENTION_DAYS: bad }).message).toBe(`Configuration error: AUDIT_LOG_RETENTION_DAYS must be a whole number from 0 to 36500 (got "${bad}")`);
    }
  });

  it('REFRESH_KEEPALIVE: on by default, on or off in any case, else one line naming it', () => {
    expect(loadConfig({}, workdir()).refreshKeepalive).toBe(true);
    expect(loadConfig({ REFRESH_KEEPALIVE: 'off' }, workdir()).refreshKeepalive).toBe(false);
    expect(loadConfig({ REFRESH_KEEPALIVE: ' OFF ' }, workdir()).refreshKeepalive).toBe(false);
    expect(loadConfig({ REFRESH_KEEPALIVE: 'on' }, workdir()).refreshKeepalive).toBe(true);
    for (const bad of ['false', '0', 'no', 'disabled']) {
      const error = configError({ REFRESH_KEEPALIVE: bad });
      expect(error.variable).toBe('REFRESH_KEEPALIVE');
      expect(error.message).toBe(`Configuration error: REFRESH_KEEPALIVE must be on or off (got "${bad}")`);
    }
  });

  it('loading only checks: without the development step, missing secrets are named and nothing is written', () => {
    const cwd = workdir();
    let error: unknown;
    try {
      loadOnly({}, cwd);
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).message).toBe('Configuration error: SECRET_KEY is missing (32 or more random characters; in development `tokenkeeper` generates it into ./data/)');
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  });

  it('in development the secrets are generated once into the data folder and reused', () => {
    const cwd = workdir();
    const first = loadConfig({}, cwd);
    const second = loadConfig({}, cwd);
    expect(second.secretKey).toBe(first.secretKey);
    expect(second.tokenEncryptionKeys).toBe(first.tokenEncryptionKeys);
    expect(readFileSync(join(cwd, 'data', 'secret-key'), 'utf8').trim()).toBe(first.secretKey);
  });

  it('reads explicit endpoints, client_secret_post and presets', () => {
    const config = loadConfig(
      {
        OAUTH_PROVIDERS: 'plain,github',
        PLAIN_CLIENT_ID: 'id',
        PLAIN_CLIENT_SECRET: 'secret',
        PLAIN_AUTHORIZE_URL: 'https://auth.example.com/authorize',
        PLAIN_ACCESS_TOKEN_URL: 'https://auth.example.com/token',
        PLAIN_TOKEN_ENDPOINT_AUTH_METHOD: 'client_secret_post',
        GITHUB_CLIENT_ID: 'gh',
        GITHUB_CLIENT_SECRET: 'ghs',
        GITHUB_PRESET: 'github',
      },
      workdir(),
    );
    const [plain, github] = config.providers;
    expect(plain?.endpoints?.tokenEndpoint).toBe('https://auth.example.com/token');
    expect(plain?.tokenEndpointAuthMethod).toBe('client_secret_post');
    expect(config.devProvider).toBeNull();
    expect(github?.endpoints?.authorizationEndpoint).toBe('https://github.com/login/oauth/authorize');
    expect(github?.subjectClaim).toBe('id');
  });

  it('a URL without its scheme (example.com, localhost:3000) is told to start with one: https:// alone in production', () => {
    expect(configError({ BASE_URL: 'tokens.example.com' }).message).toBe('Configuration error: BASE_URL must be an absolute URL (got "tokens.example.com"): start it with https:// or http://');
    expect(configError({ BASE_URL: 'localhost:3000' }).message).toBe('Configuration error: BASE_URL must be an http(s) URL (got "localhost:3000"): start it with https:// or http://');
    expect(configError({ ...productionSecrets, BASE_URL: 'https://tokens.example.com', OAUTH_PROVIDERS: 'acme', ACME_CLIENT_ID: 'c', ACME_CLIENT_SECRET: 's', ACME_ISSUER: 'id.example.com' }).message).toBe(
      'Configuration error: ACME_ISSUER must be an absolute URL (got "id.example.com"): start it with https://',
    );
    expect(configError({ OAUTH_PROVIDERS: 'acme', ACME_CLIENT_ID: 'c', ACME_CLIENT_SECRET: 's', ACME_ISSUER: 'id.example.com' }).message).toBe(
      'Configuration error: ACME_ISSUER must be an absolute URL (got "id.example.com"): start it with https:// or http://',
    );
    expect(configError({ BASE_URL: 'ftp://tokens.example.com' }).message).toBe('Configuration error: BASE_URL must be an http(s) URL (got "ftp://tokens.example.com")');
  });

  it('a NODE_ENV that reads as production but is not (Production, prod) stops start-up before development secrets are generated', () => {
    for (const value of ['Production', 'prod', 'PRODUCTION']) {
      const cwd = workdir();
      const error = configError({ NODE_ENV: value }, cwd);
      expect(error.variable).toBe('NODE_ENV');
      expect(error.message).toBe(`Configuration error: NODE_ENV is "${value}", which is not production: write NODE_ENV=production (lower case), or development`);
      expect(existsSync(join(cwd, 'data')), value).toBe(false);
    }
    expect(loadConfig({ NODE_ENV: 'test' }, workdir()).production).toBe(false);
  });

  it('.env in the working folder is read, and the real environment wins over it', () => {
    const cwd = workdir();
    writeFileSync(join(cwd, '.env'), 'PORT=4100\nHOST=0.0.0.0\n');
    const env = environmentWithDotEnv(cwd, { PORT: '4200' });
    expect(env.PORT).toBe('4200');
    expect(env.HOST).toBe('0.0.0.0');
  });
});
