import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readOrCreateDevSecret } from './dev-secrets.js';

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
