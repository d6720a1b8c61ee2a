import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESET_VALUE_VARIABLES } from '../client/providers/preset.js';
import { ConfigError } from '../config/config-error.js';
import { generateEncryptionKey } from '../db/token-cipher.js';
import { createTokenkeeper, fromEnv } from './create-tokenkeeper.js';
import { configFromOptions } from './options.js';

const valid = { database: 'sqlite::memory:', encryptionKeys: generateEncryptionKey(), providers: { github: { preset: 'github', clientId: 'id', clientSecret: 'secret' } } };

function configError(options: object): ConfigError {
  try {
    configFromOptions(options as never);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configFromOptions: what the types rule out but plain JavaScript lets through', () => {
  it('a resolveUser that is not a function is refused at creation, naming the option and what it got', async () => {
    const error = configError({ ...valid, resolveUser: 'byEmail' });
    expect(error.variable).toBe('resolveUser');
    expect(error.message).toBe('Configuration error: resolveUser must be a function (got the string "byEmail")');
    expect(configError({ ...valid, resolveUser: { byEmail: true } }).message).toBe('Configuration error: resolveUser must be a function (got a value of type object)');
    // Before the database is opened, not at the first sign-in after its code was exchanged.
    await expect(createTokenkeeper({ ...valid, resolveUser: 'byEmail' as never })).rejects.toThrow(/^Configuration error: resolveUser must be a function/);
  });

  it('a caFile that cannot be read, or holds no certificate, is a ConfigError naming caFile, as CA_FILE is for `tokenkeeper serve`', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-ca-file-'));
    try {
      const missing = configError({ ...valid, caFile: join(folder, 'missing.pem') });
      expect(missing.variable).toBe('caFile');
      expect(missing.message).toBe(`Configuration error: caFile is not usable: cannot read ${join(folder, 'missing.pem')}: ENOENT`);
      writeFileSync(join(folder, 'empty.pem'), 'not a certificate\n');
      expect(configError({ ...valid, caFile: join(folder, 'empty.pem') }).message).toBe(`Configuration error: caFile is not usable: ${join(folder, 'empty.pem')} holds no PEM certificate`);
      expect(configError({ ...valid, caFile: 42 }).message).toBe('Configuration error: caFile must be the path of a PEM file (got the number 42)');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a logger without pino\'s methods is refused, naming the option; a Fastify app\'s app.log, with logging on or off, is taken', async () => {
    const error = configError({ ...valid, logger: 'debug' });
    expect(error.variable).toBe('logger');
    expect(error.message).toBe("Configuration error: logger must be a pino logger, such as a Fastify app's app.log: an object with the methods fatal, error, warn, info, debug, trace (got the string \"debug\")");
    expect(configError({ ...valid, logger: console }).variable).toBe('logger');
    for (const app of [Fastify(), Fastify({ logger: { level: 'warn' } })]) {
      const tokenkeeper = await createTokenkeeper({ ...valid, logger: app.log });
      await tokenkeeper.close();
      await app.close();
    }
  });

  it('an unknown top-level option is refused with the known ones, as an unknown provider option is', () => {
    const error = configError({ ...valid, databse: 'sqlite::memory:' });
    expect(error.variable).toBe('databse');
    expect(error.message).toBe(
      'Configuration error: databse is not an option of createTokenkeeper (known: database, encryptionKeys, providers, migrate, production, refreshLeewaySeconds, providerTimeoutSeconds, caFile, refreshKeepalive, webhooks, resolveUser, logger)',
    );
  });

  it('fromEnv checks its own options the same way, before it reads or generates anything', async () => {
    const cwd = '/nonexistent/tokenkeeper-options-test';
    await expect(fromEnv({ cwd, resolveUser: 'byEmail' as never })).rejects.toThrow('Configuration error: resolveUser must be a function (got the string "byEmail")');
    await expect(fromEnv({ cwd, enviroment: {} } as never)).rejects.toThrow('Configuration error: enviroment is not an option of fromEnv (known: env, cwd, migrate, resolveUser, logger)');
  });

  it("fromEnv's cwd is a folder that exists: a mistyped one is refused, not made with keys and a database of its own", async () => {
    const parent = mkdtempSync(join(tmpdir(), 'tokenkeeper-cwd-'));
    try {
      const missing = join(parent, 'app', 'srv');
      await expect(fromEnv({ cwd: missing, env: {} })).rejects.toThrow(`Configuration error: cwd is not a folder: ${missing} (fromEnv reads .env there and keeps ./data there; it makes no folder for it)`);
      expect(readdirSync(parent)).toEqual([]);
      writeFileSync(join(parent, 'file'), '');
      await expect(fromEnv({ cwd: join(parent, 'file'), env: {} })).rejects.toThrow(expect.objectContaining({ variable: 'cwd' }));
      await expect(fromEnv({ cwd: 42 as never, env: {} })).rejects.toThrow('Configuration error: cwd must be the path of a folder (got the number 42)');
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('an option left undefined is no option at all, whatever its name (a spread of optional settings)', () => {
    expect(() => configFromOptions({ ...valid, resolveUser: undefined, extra: undefined } as never)).not.toThrow();
  });

  it('a number of seconds of the wrong type names the type: the string "10" is not 10', () => {
    expect(configError({ ...valid, providerTimeoutSeconds: '10' }).message).toBe('Configuration error: providerTimeoutSeconds must be a whole number from 1 to 300 (got the string "10")');
    expect(configError({ ...valid, refreshLeewaySeconds: null }).message).toBe('Configuration error: refreshLeewaySeconds must be a whole number from 0 to 3600 (got null)');
    // A number out of range is named as it is.
    expect(configError({ ...valid, providerTimeoutSeconds: 1.5 }).message).toBe('Configuration error: providerTimeoutSeconds must be a whole number from 1 to 300 (got 1.5)');
  });

  it('production and migrate are booleans: the string "false" would be true', () => {
    expect(configError({ ...valid, production: 'false' }).message).toBe('Configuration error: production must be true or false (got the string "false")');
    expect(configError({ ...valid, migrate: 0 }).message).toBe('Configuration error: migrate must be true or false (got the number 0)');
    expect(configError({ ...valid, refreshKeepalive: 'off' }).message).toBe('Configuration error: refreshKeepalive must be true or false (got the string "off")');
    expect(configFromOptions(valid).refreshKeepalive).toBe(true);
    expect(configFromOptions({ ...valid, refreshKeepalive: false }).refreshKeepalive).toBe(false);
  });
});

describe('configFromOptions: every <NAME>_… variable of a preset is an option', () => {
  it('the apple preset takes teamId (APPLE_TEAM_ID) with privateKeyFile and privateKeyId, as README "Providers" lists', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-options-'));
    try {
      const keyFile = join(folder, 'AuthKey_F6G7H8I9J0.p8');
      writeFileSync(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
      const apple = { preset: 'apple', clientId: 'com.example.app.web', teamId: 'A1B2C3D4E5', privateKeyFile: keyFile, privateKeyId: 'F6G7H8I9J0' };
      const config = configFromOptions({ ...valid, providers: { apple } });
      expect(config.providers[0]).toMatchObject({ name: 'apple', clientId: 'com.example.app.web' });
      // Without it, the error names the option, not the variable.
      const { teamId: _, ...withoutTeam } = apple;
      expect(configError({ ...valid, providers: { apple: withoutTeam } }).variable).toBe('providers.apple.teamId');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('the cognito preset takes userPoolId (COGNITO_USER_POOL_ID), whose issuer it makes, and domain; their errors name the options', () => {
    const cognito = { preset: 'cognito', userPoolId: 'eu-west-1_AbCdEf123', domain: 'auth.example.com', clientId: '1example23456789abcdefghij', clientSecret: 'secret' };
    expect(configFromOptions({ ...valid, providers: { cognito } }).providers[0]).toMatchObject({
      discovery: { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123' },
      apiBaseUrl: 'https://auth.example.com',
    });
    expect(configError({ ...valid, providers: { cognito: { ...cognito, userPoolId: 'AbCdEf123' } } }).variable).toBe('providers.cognito.userPoolId');
    const { userPoolId: _, ...withoutPool } = cognito;
    expect(configError({ ...valid, providers: { cognito: withoutPool } }).variable).toBe('providers.cognito.userPoolId');
  });

  it('refreshTokenIdleDays (<NAME>_REFRESH_TOKEN_IDLE_DAYS) is a number of days over the preset’s, its errors naming the option', () => {
    const okta = { preset: 'okta', domain: 'dev-1.okta.com', clientId: 'id', clientSecret: 'secret' };
    expect(configFromOptions({ ...valid, providers: { okta } }).providers[0]!.refreshTokenIdleSeconds).toBe(7 * 86_400);
    expect(configFromOptions({ ...valid, providers: { okta: { ...okta, refreshTokenIdleDays: 14 } } }).providers[0]!.refreshTokenIdleSeconds).toBe(14 * 86_400);
    expect(configFromOptions({ ...valid, providers: { okta: { ...okta, refreshTokenIdleDays: 0 } } }).providers[0]).not.toHaveProperty('refreshTokenIdleSeconds');
    expect(configError({ ...valid, providers: { okta: { ...okta, refreshTokenIdleDays: 2.5 } } }).message).toBe(
      'Configuration error: providers.okta.refreshTokenIdleDays must be a whole number of days from 0 (refresh tokens never idle out) to 1825 (got "2.5")',
    );
    const asString = configError({ ...valid, providers: { okta: { ...okta, refreshTokenIdleDays: '14' } } });
    expect(asString.variable).toBe('providers.okta.refreshTokenIdleDays');
    expect(asString.message).toBe('Configuration error: providers.okta.refreshTokenIdleDays must be a whole number of days (got the string "14")');
  });

  it('no preset value is refused as an unknown option', () => {
    for (const option of Object.keys(PRESET_VALUE_VARIABLES)) {
      const error = (() => {
        try {
          configFromOptions({ ...valid, providers: { github: { preset: 'github', clientId: 'id', clientSecret: 'secret', [option]: 'x' } } });
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(String(error), option).not.toMatch(/is not a provider option/);
    }
  });
});
