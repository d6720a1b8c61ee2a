import { randomBytes } from 'node:crypto';

// Crockford base32: no I, L, O, U, so ids survive being read aloud or retyped.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_BITS = 80n;
const RANDOM_MAX = (1n << RANDOM_BITS) - 1n;

let lastMillis = -1;
let lastRandom = 0n;

/**
 * A 26-character id: 48-bit millisecond timestamp then 80 random bits, in
 * Crockford base32 (the ULID layout). Ids sort by creation time as strings;
 * within one millisecond in this process the random part is incremented, so
 * ids made back to back still sort in creation order.
 */
export function newId(): string {
  let millis = Date.now();
  let random: bigint;
  if (millis <= lastMillis) {
    millis = lastMillis;
    random = lastRandom + 1n;
    if (random > RANDOM_MAX) {
      millis += 1;
      random = freshRandom();
    }
  } else {
    random = freshRandom();
  }
  lastMillis = millis;
  lastRandom = random;
  return encodeBase32((BigInt(millis) << RANDOM_BITS) | random, 26);
}

function freshRandom(): bigint {
  return BigInt(`0x${randomBytes(10).toString('hex')}`);
}

function encodeBase32(value: bigint, length: number): string {
  let text = '';
  let rest = value;
  for (let i = 0; i < length; i += 1) {
    text = ALPHABET[Number(rest & 31n)] + text;
    rest >>= 5n;
  }
  return text;
}
