import { hash, timingSafeEqual } from 'node:crypto';

const sha256 = (value: string) => hash('sha256', value, 'buffer');

/**
 * A check of `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme is
 * case-insensitive, RFC 9110 §11.1) against one secret, in constant time:
 * the SHA-256 digests are compared, so neither the secret's characters nor
 * its length show in how long a wrong guess takes.
 */
export function bearerTokenCheck(secret: string): (authorization: string | undefined) => boolean {
  const expected = sha256(secret);
  return (authorization) => {
    const match = /^bearer +(\S+) *$/i.exec(authorization ?? '');
    const matches = timingSafeEqual(sha256(match?.[1] ?? ''), expected);
    return match !== null && matches;
  };
}
