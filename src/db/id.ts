import { randomFillSync } from 'node:crypto';

// Crockford base32: no I, L, O, U, so ids survive being read aloud or retyped.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The 80 random bits are kept as two 40-bit halves: plain numbers (exact up to 2^53), no BigInt. */
const HALF = 2 ** 40;
/** Random bytes drawn from the system in one go and used 10 at a time: one call per 409 ids instead of one each. */
const POOL_BYTES = 4096;

let lastMillis = -1;
let lastHigh = 0;
let lastLow = 0;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/**
 * A 26-character id: 48-bit millisecond timestamp then 80 random bits, in
 * Crockford base32 (the ULID layout). Ids sort by creation time as strings;
 * within one millisecond in this process the random part is incremented, so
 * ids made back to back still sort in creation order.
 */
export function newId(): string {
  let millis = Date.now();
  if (millis <= lastMillis) {
    millis = lastMillis;
    lastLow += 1;
    if (lastLow === HALF) {
      lastLow = 0;
      lastHigh += 1;
      if (lastHigh === HALF) {
        // 2^80 ids in one millisecond: the next millisecond's.
        millis += 1;
        freshRandom();
      }
    }
  } else {
    freshRandom();
  }
  lastMillis = millis;
  return encodeId(millis, lastHigh, lastLow);
}

function freshRandom(): void {
  if (poolOffset + 10 > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  lastHigh = pool.readUIntBE(poolOffset, 5);
  lastLow = pool.readUIntBE(poolOffset + 5, 5);
  poolOffset += 10;
}

/** The id's text for a 48-bit time and two 40-bit random halves (8 characters each: 40 bits are 8 base32 digits). */
export function encodeId(millis: number, high: number, low: number): string {
  return digits(millis, 10) + digits(high, 8) + digits(low, 8);
}

function digits(value: number, length: number): string {
  let text = '';
  let rest = value;
  for (let i = 0; i < length; i += 1) {
    text = ALPHABET[rest % 32] + text;
    rest = Math.floor(rest / 32);
  }
  return text;
}
