import { createHmac } from 'node:crypto';

/**
 * The `webhook-signature` header of Standard Webhooks
 * (https://www.standardwebhooks.com/, "Signature scheme"): `v1,` then the
 * base64 HMAC-SHA256, under the secret's decoded key, of
 * `<webhook-id>.<webhook-timestamp>.<body>` — the id and the attempt's time
 * are signed with the body, so neither can be swapped or replayed later
 * unnoticed. The body must be sent exactly as signed. Under several keys
 * (a secret being changed), one signature per key, space-separated: a
 * receiver accepts when any of them verifies under the key it holds.
 */
export function signWebhook(keys: readonly Buffer[], messageId: string, timestamp: number, body: string): string {
  const signed = `${messageId}.${timestamp}.${body}`;
  return keys.map((key) => `v1,${createHmac('sha256', key).update(signed).digest('base64')}`).join(' ');
}
