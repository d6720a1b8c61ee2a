import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes for staff sign-in: scrypt (RFC 7914) with a random salt,
 * stored as `scrypt$N$r$p$<salt base64>$<hash base64>` so the cost can be
 * raised later without invalidating existing hashes.
 */

export interface ScryptParameters {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/** 2^15 × 8 uses 32 MiB and takes about 50–170 ms depending on the machine. */
export const CURRENT_PARAMETERS: Readonly<ScryptParameters> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/**
 * Bounds for parsing a stored hash: a corrupted or hostile value must not make
 * verification allocate gigabytes or spin for minutes.
 */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

export const MIN_PASSWORD_LENGTH = 10;

function scryptAsync(password: string, salt: Buffer, keyLength: number, parameters: ScryptParameters): Promise<Buffer> {
  const { N, r, p } = parameters;
  // scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) is exactly what N=2^15, r=8 needs, and it rejects equality.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    // NFC, so the same password typed on different systems gives the same bytes.
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, parameters: ScryptParameters = CURRENT_PARAMETERS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(password, salt, HASH_BYTES, parameters);
  const { N, r, p } = parameters;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

interface ParsedHash {
  parameters: ScryptParameters;
  salt: Buffer;
  hash: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parsePositiveInteger(text: string | undefined, max: number): number | null {
  if (text === undefined || !/^[1-9]\d{0,9}$/.test(text)) return null;
  const value = Number(text);
  return value <= max ? value : null;
}

/** The parts of a stored hash, or null when it is not one this module wrote. */
export function parsePasswordHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const N = parsePositiveInteger(parts[1], MAX_N);
  const r = parsePositiveInteger(parts[2], MAX_R);
  const p = parsePositiveInteger(parts[3], MAX_P);
  if (N === null || r === null || p === null || N < 2 || (N & (N - 1)) !== 0) return null;
  const [saltText, hashText] = [parts[4] ?? '', parts[5] ?? ''];
  if (!BASE64.test(saltText) || !BASE64.test(hashText)) return null;
  const salt = Buffer.from(saltText, 'base64');
  const hash = Buffer.from(hashText, 'base64');
  if (salt.length < 8 || hash.length < 16 || hash.length > 128) return null;
  return { parameters: { N, r, p }, salt, hash };
}

/** True when the password matches. A malformed stored hash is simply no match: this never throws. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = typeof stored === 'string' ? parsePasswordHash(stored) : null;
  if (!parsed || typeof password !== 'string') return false;
  try {
    const candidate = await scryptAsync(password, parsed.salt, parsed.hash.length, parsed.parameters);
    return timingSafeEqual(candidate, parsed.hash);
  } catch {
    return false;
  }
}

/** True when the hash was made with weaker parameters than today's (or is unreadable): rehash at the next sign-in. */
export function passwordHashNeedsUpgrade(stored: string): boolean {
  const parsed = parsePasswordHash(stored);
  if (!parsed) return true;
  const { N, r, p } = parsed.parameters;
  return N < CURRENT_PARAMETERS.N || r < CURRENT_PARAMETERS.r || p < CURRENT_PARAMETERS.p;
}

/** Why this password is not acceptable, as a sentence for the user, or null when it is. */
export function passwordProblem(password: string, username: string): string | null {
  const characters = [...password.normalize('NFC')];
  if (characters.length < MIN_PASSWORD_LENGTH) return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  if (characters.every((c) => c === characters[0])) return 'The password must not be one character repeated.';
  if (username !== '' && password.normalize('NFC').toLowerCase() === username.normalize('NFC').toLowerCase()) {
    return 'The password must not be the same as the username.';
  }
  return null;
}
