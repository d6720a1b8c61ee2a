import { createHmac } from 'node:crypto';

/**
 * The `webhook-signature` header of Standard Webhooks
 * (https://www.standardwebhooks.com/, "Signature scheme"): `v1,` then the
 * base64 HMAC-SHA256, under the secret's decoded key, of
 * `<webhook-id>.<webhook-timestamp>.<body>` — the id and the attempt's time
 * are signed with the body, so neither can be swapped or replayed later
 * unnoticed. The body must be sent exactly as signed.
 */
export function signWebhook(key: Buffer, messageId: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', key).update(`${messageId}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}
