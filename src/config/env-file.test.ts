import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { readDotEnv } from './env-file.js';

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function withDotEnv(text: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'tk-env-file-'));
  folders.push(folder);
  writeFileSync(join(folder, '.env'), text);
  return folder;
}

function dotEnvError(text: string): ConfigError {
  try {
    readDotEnv(withDotEnv(text));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('readDotEnv did not throw');
}

describe('.env', () => {
  it('a line without "=" stops start-up naming its line, instead of swallowing the variable on the next line', () => {
    // parseEnv alone: { 'PORT 7313\n# providers\nOAUTH_PROVIDERS': 'github' }, PORT and OAUTH_PROVIDERS both lost.
    const error = dotEnvError('LOG_LEVEL=warn\nPORT 7313\n# providers\nOAUTH_PROVIDERS=github\n');
    expect(error.variable).toBe('.env');
    expect(error.message).toBe(
      'Configuration error: .env line 2 is not NAME=value (it starts with PORT): add the "=", or start a comment with #; as it is, the variable on the next line would be lost too',
    );
  });

  it('the last line is checked too, and a line that is not a name is not repeated (it may be a pasted secret)', () => {
    expect(dotEnvError('PORT=7313\r\nexport OAUTH_PROVIDERS\r\n').message).toContain('.env line 2 is not NAME=value (it starts with OAUTH_PROVIDERS)');
    const pasted = dotEnvError('SECRET_KEY=\n  s3cr3t-value-on-its-own-line\nPORT=7313\n');
    expect(pasted.message).toContain('.env line 2 is not NAME=value: ');
    expect(pasted.message).not.toContain('s3cr3t');
  });

  it('reads comments, blank lines, export, spaces around "=" and a quoted value over several lines as before', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA\n-----END PRIVATE KEY-----';
    const folder = withDotEnv(`# settings\n\nexport PORT=7313\nHOST = 0.0.0.0\nKEY="${pem}"\nSCOPE='a\nb'\nNAME="unclosed\nLOG_LEVEL=warn # quiet\n`);
    expect(readDotEnv(folder)).toEqual({ PORT: '7313', HOST: '0.0.0.0', KEY: pem, SCOPE: 'a\nb', NAME: '"unclosed', LOG_LEVEL: 'warn' });
  });

  it('a byte order mark at the start (some Windows editors write one) is not part of the first name', () => {
    expect(readDotEnv(withDotEnv('\uFEFFPORT=7313\r\nHOST=0.0.0.0\r\n'))).toEqual({ PORT: '7313', HOST: '0.0.0.0' });
  });
});
