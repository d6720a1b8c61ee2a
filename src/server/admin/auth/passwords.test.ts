import { describe, expect, it } from 'vitest';
import { hashPassword, parsePasswordHash, passwordHashNeedsUpgrade, passwordProblem, verifyPassword } from './passwords.js';

describe('password hashes', () => {
  it('a hash verifies the password it was made from, and no other', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
    expect(stored).not.toContain('correct horse');
  });

  it('encodes scrypt and its parameters (N=2^15, r=8, p=1), a 16-byte salt and a 32-byte hash', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    const parsed = parsePasswordHash(stored)!;
    expect(parsed.parameters).toEqual({ N: 32768, r: 8, p: 1 });
    expect(parsed.salt).toHaveLength(16);
    expect(parsed.hash).toHaveLength(32);
    expect(passwordHashNeedsUpgrade(stored)).toBe(false);
  });

  it('verifies with the parameters stored in the hash, so older, cheaper hashes keep working and are marked for upgrade', async () => {
    const cheaper = await hashPassword('correct horse battery', { N: 1024, r: 8, p: 1 });
    expect(cheaper.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse battery', cheaper)).toBe(true);
    expect(passwordHashNeedsUpgrade(cheaper)).toBe(true);
  });

  it('the same password hashed twice gets different salts and different hashes', async () => {
    const [first, second] = await Promise.all([hashPassword('correct horse battery'), hashPassword('correct horse battery')]);
    expect(first).not.toBe(second);
    expect(parsePasswordHash(first)!.salt.equals(parsePasswordHash(second)!.salt)).toBe(false);
    expect(await verifyPassword('correct horse battery', second)).toBe(true);
  });

  it('a changed hash byte no longer verifies', async () => {
    const stored = await hashPassword('correct horse battery', { N: 1024, r: 8, p: 1 });
    const parts = stored.split('$');
    const hash = Buffer.from(parts[5]!, 'base64');
    hash[0] = hash[0]! ^ 1;
    parts[5] = hash.toString('base64');
    expect(await verifyPassword('correct horse battery', parts.join('$'))).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['not a hash', 'correct horse battery'],
    ['another scheme', 'pbkdf2_sha256$600000$salt$hash'],
    ['missing parts', 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0'],
    ['too many parts', 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==$x'],
    ['N not a power of two', 'scrypt$1000$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA=='],
    ['N too large to be ours', 'scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA=='],
    ['r zero', 'scrypt$1024$0$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA=='],
    ['p not a number', 'scrypt$1024$8$x$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA=='],
    ['salt not base64', 'scrypt$1024$8$1$not base64!$aGFzaGhhc2hoYXNoaGFzaA=='],
    ['hash too short', 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0$aGFzaA=='],
  ])('a malformed stored hash (%s) is no match, never an exception', async (_what, stored) => {
    expect(parsePasswordHash(stored)).toBeNull();
    await expect(verifyPassword('correct horse battery', stored)).resolves.toBe(false);
    expect(passwordHashNeedsUpgrade(stored)).toBe(true);
  });

  it('a stored value that is not a string is no match', async () => {
    await expect(verifyPassword('correct horse battery', null as unknown as string)).resolves.toBe(false);
  });
});

describe('password policy', () => {
  it.each([
    ['short1234', 'root', 'at least 10 characters'],
    ['aaaaaaaaaaaaaa', 'root', 'one character repeated'],
    ['administrator', 'Administrator', 'same as the username'],
  ])('%j for user %j is refused: %s', (password, username, reason) => {
    expect(passwordProblem(password, username)).toContain(reason);
  });

  it('counts characters, not bytes or UTF-16 units', () => {
    expect(passwordProblem('🔑🔑🔑🔑🔑x', 'root')).toContain('at least 10 characters');
    expect(passwordProblem('ééééééééé1', 'root')).toBeNull();
  });

  it('accepts a password of 10 or more varied characters that is not the username', () => {
    expect(passwordProblem('correct horse battery', 'root')).toBeNull();
    expect(passwordProblem('0123456789', 'root')).toBeNull();
  });
});
