import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { readOrCreateDevSecret, withDevelopmentSecrets } from './dev-secrets.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('readOrCreateDevSecret', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tokenkeeper-secrets-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('makes the data folder 0700 and the secret file 0600, and gives the same value again', () => {
    const dataDir = join(root, 'data');
    const value = readOrCreateDevSecret(dataDir, 'secret-key', () => 'generated-secret');
    expect(value).toBe('generated-secret');
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(join(dataDir, 'secret-key'))).toBe(0o600);
    expect(readOrCreateDevSecret(dataDir, 'secret-key', () => 'another')).toBe('generated-secret');
  });
});

describe('development secrets kept in ./data', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tokenkeeper-secrets-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const errorOf = (env: Record<string, string> = {}): ConfigError => {
    try {
      withDevelopmentSecrets(env, root);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('withDevelopmentSecrets did not throw');
  };

  it('a key file emptied or edited is named, with what to do, and left as it is (never replaced by a new key)', () => {
    mkdirSync(join(root, 'data'));
    const file = join(root, 'data', 'token-encryption-keys');
    writeFileSync(file, '\n');
    const empty = errorOf({ SECRET_KEY: 'x'.repeat(40) });
    expect(empty.variable).toBe('TOKEN_ENCRYPTION_KEYS');
    expect(empty.message).toBe(
      `Configuration error: TOKEN_ENCRYPTION_KEYS is not set, and ${file}, where development keeps it, holds no usable value (it is empty): put it back from a copy, set TOKEN_ENCRYPTION_KEYS, or delete the file to have a new one generated (the tokens stored under the old key are lost with it)`,
    );
    expect(readFileSync(file, 'utf8')).toBe('\n');
    writeFileSync(file, 'garbage\n');
    expect(errorOf({ SECRET_KEY: 'x'.repeat(40) }).message).toContain(`${file}, where development keeps it, holds no usable value (encryption key 1 of 1 decodes to 5 bytes, expected 32; `);
    writeFileSync(join(root, 'data', 'secret-key'), 'short\n');
    expect(errorOf().message).toBe(
      `Configuration error: SECRET_KEY is not set, and ${join(root, 'data', 'secret-key')}, where development keeps it, holds no usable value (it is shorter than 32 characters): put it back from a copy, set SECRET_KEY, or delete the file to have a new one generated`,
    );
  });

  it('a data folder that cannot be made is named, with what to do', () => {
    writeFileSync(join(root, 'data'), 'a file where the folder would be');
    const error = errorOf();
    expect(error.variable).toBe('SECRET_KEY');
    expect(error.message).toBe(
      `Configuration error: SECRET_KEY is not set, and development cannot keep one in ${join(root, 'data', 'secret-key')} (EEXIST): run tokenkeeper in a folder this user can write, or set SECRET_KEY`,
    );
  });
});
