import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '../core/webhook-signature.js';
import { verifyWebhook, WebhookVerificationError, type WebhookVerificationFailure } from './verify-webhook.js';

// Requests signed by the server's own signer (src/core/webhook-signature.ts), checked by the receiver's side.

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const keyOf = (secret: string) => Buffer.from(secret.slice('whsec_'.length), 'base64');
const NOW = 1_767_225_600;
const now = () => NOW;
const EVENT = { type: 'connection.created', timestamp: NOW - 2, data: { user_id: '01JFQ', external_id: 'cus_123', provider: 'github', subject: '583231', status: 'active' } };
const BODY = JSON.stringify(EVENT);

function signed(secrets: readonly string[], body = BODY, timestamp = NOW, id = 'msg_01JFQ3') {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(secrets.map(keyOf), id, timestamp, body), 'content-type': 'application/json' };
}

function refusal(run: () => unknown): { reason: WebhookVerificationFailure; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return { reason: (error as WebhookVerificationError).reason, message: (error as Error).message };
  }
  throw new Error('verifyWebhook accepted the request');
}

describe('verifyWebhook', () => {
  const secret = newSecret();

  it('returns the parsed event of a request signed under the secret, from a string or the bytes as received', () => {
    expect(verifyWebhook(secret, signed([secret]), BODY, { now })).toEqual(EVENT);
    expect(verifyWebhook(secret, signed([secret]), new TextEncoder().encode(BODY), { now })).toEqual(EVENT);
    // A Buffer that is a slice of a larger pool (Node's small Buffers are): only its own bytes are signed content.
    const pooled = Buffer.concat([Buffer.from('xxxx'), Buffer.from(BODY)]).subarray(4);
    expect(verifyWebhook(secret, signed([secret]), pooled, { now })).toEqual(EVENT);
  });

  it('reads the headers in any case, from a plain object (values as strings or arrays, as Node gives them) or a Headers', () => {
    const headers = signed([secret]);
    const shouting = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
    expect(verifyWebhook(secret, shouting, BODY, { now }).type).toBe('connection.created');
    expect(verifyWebhook(secret, new Headers(headers), BODY, { now }).type).toBe('connection.created');
    const [first, second] = signed([newSecret(), secret])['webhook-signature'].split(' ');
    // A signature header repeated: an array, or Node's ", "-joined value.
    expect(verifyWebhook(secret, { ...headers, 'webhook-signature': [first!, second!] }, BODY, { now }).type).toBe('connection.created');
    expect(verifyWebhook(secret, { ...headers, 'webhook-signature': `${first}, ${second}` }, BODY, { now }).type).toBe('connection.created');
  });

  it('during a rotation: a header of two signatures verifies under either secret, and a receiver holding both accepts a request signed under one', () => {
    const [next, old] = [newSecret(), newSecret()];
    const both = signed([next, old]);
    expect(verifyWebhook(next, both, BODY, { now }).type).toBe('connection.created');
    expect(verifyWebhook(old, both, BODY, { now }).type).toBe('connection.created');
    expect(verifyWebhook([next, old], signed([old]), BODY, { now }).type).toBe('connection.created');
    expect(verifyWebhook(`${next},${old}`, signed([next]), BODY, { now }).type).toBe('connection.created');
    expect(refusal(() => verifyWebhook(newSecret(), both, BODY, { now })).reason).toBe('no_matching_signature');
  });

  it('refuses a body changed after signing, even by one byte or by JSON serialized again', () => {
    const headers = signed([secret]);
    expect(refusal(() => verifyWebhook(secret, headers, BODY.replace('cus_123', 'cus_124'), { now }))).toEqual({
      reason: 'no_matching_signature',
      message: expect.stringContaining('No signature of webhook-signature matches under the secret'),
    });
    expect(refusal(() => verifyWebhook(secret, headers, JSON.stringify(EVENT, null, 1), { now })).reason).toBe('no_matching_signature');
    expect(refusal(() => verifyWebhook(secret, headers, `${BODY} `, { now })).reason).toBe('no_matching_signature');
  });

  it('refuses a signature over another id or timestamp than the headers say (a replay with a new timestamp)', () => {
    const headers = signed([secret], BODY, NOW - 3600);
    expect(refusal(() => verifyWebhook(secret, { ...headers, 'webhook-timestamp': String(NOW) }, BODY, { now })).reason).toBe('no_matching_signature');
    expect(refusal(() => verifyWebhook(secret, { ...signed([secret]), 'webhook-id': 'msg_other' }, BODY, { now })).reason).toBe('no_matching_signature');
  });

  it('refuses a wrong secret, and a header of no v1 signature or of another version only', () => {
    expect(refusal(() => verifyWebhook(newSecret(), signed([secret]), BODY, { now })).reason).toBe('no_matching_signature');
    const headers = signed([secret]);
    const value = headers['webhook-signature'].slice('v1,'.length);
    expect(refusal(() => verifyWebhook(secret, { ...headers, 'webhook-signature': `v1a,${value}` }, BODY, { now }))).toEqual({ reason: 'no_matching_signature', message: 'webhook-signature has no v1 signature.' });
    expect(refusal(() => verifyWebhook(secret, { ...headers, 'webhook-signature': value }, BODY, { now })).reason).toBe('no_matching_signature');
    // A truncated signature is compared as what it is: not equal.
    expect(refusal(() => verifyWebhook(secret, { ...headers, 'webhook-signature': `v1,${value.slice(0, 20)}` }, BODY, { now })).reason).toBe('no_matching_signature');
  });

  it('refuses a timestamp more than 5 minutes from the clock, either way (or toleranceSeconds), and one that is not epoch seconds', () => {
    expect(verifyWebhook(secret, signed([secret], BODY, NOW - 300), BODY, { now }).type).toBe('connection.created');
    expect(verifyWebhook(secret, signed([secret], BODY, NOW + 300), BODY, { now }).type).toBe('connection.created');
    expect(refusal(() => verifyWebhook(secret, signed([secret], BODY, NOW - 301), BODY, { now }))).toEqual({
      reason: 'timestamp_out_of_tolerance',
      message: 'webhook-timestamp is 301 s old, more than the 300 s allowed: a replayed request, or a clock far off.',
    });
    expect(refusal(() => verifyWebhook(secret, signed([secret], BODY, NOW + 301), BODY, { now })).message).toContain('301 s in the future');
    expect(refusal(() => verifyWebhook(secret, signed([secret], BODY, NOW - 61), BODY, { now, toleranceSeconds: 60 })).reason).toBe('timestamp_out_of_tolerance');
    const headers = signed([secret]);
    for (const timestamp of ['2026-01-01T00:00:00Z', '1767225600.5', '-1', ' 1767225600']) {
      expect(refusal(() => verifyWebhook(secret, { ...headers, 'webhook-timestamp': timestamp }, BODY, { now })).reason, timestamp).toBe('invalid_timestamp');
    }
  });

  it('uses the system clock by default: a request signed now passes, one of an hour ago does not', () => {
    const current = Math.floor(Date.now() / 1000);
    expect(verifyWebhook(secret, signed([secret], BODY, current), BODY).type).toBe('connection.created');
    expect(refusal(() => verifyWebhook(secret, signed([secret], BODY, current - 3600), BODY)).reason).toBe('timestamp_out_of_tolerance');
  });

  it('refuses a request missing a header, naming each one missing', () => {
    const { 'webhook-signature': _signature, ...unsigned } = signed([secret]);
    expect(refusal(() => verifyWebhook(secret, unsigned, BODY, { now }))).toEqual({
      reason: 'missing_header',
      message: 'The request has no webhook-signature header: it is not a Standard Webhooks request.',
    });
    expect(refusal(() => verifyWebhook(secret, { 'content-type': 'application/json' }, BODY, { now })).message).toBe(
      'The request has no webhook-id, webhook-timestamp, webhook-signature header: it is not a Standard Webhooks request.',
    );
    expect(refusal(() => verifyWebhook(secret, new Headers(), BODY, { now })).reason).toBe('missing_header');
    expect(refusal(() => verifyWebhook(secret, { ...signed([secret]), 'webhook-id': '' }, BODY, { now })).reason).toBe('missing_header');
  });

  it('refuses a secret that is not whsec_ and base64, before looking at the request', () => {
    const headers = signed([secret]);
    expect(refusal(() => verifyWebhook(secret.slice('whsec_'.length), headers, BODY, { now }))).toEqual({ reason: 'invalid_secret', message: 'The webhook secret must start with whsec_, as WEBHOOK_SECRET does.' });
    expect(refusal(() => verifyWebhook('whsec_not base64!', headers, BODY, { now })).reason).toBe('invalid_secret');
    expect(refusal(() => verifyWebhook('', headers, BODY, { now })).reason).toBe('invalid_secret');
    expect(refusal(() => verifyWebhook([], headers, BODY, { now })).reason).toBe('invalid_secret');
    expect(refusal(() => verifyWebhook([secret, 'whsec_'], headers, BODY, { now })).message).toBe('The webhook secret (secret 2 of 2) must be whsec_ followed by standard base64.');
  });

  it('refuses a signed body that is not JSON, or not a webhook event', () => {
    for (const body of ['not json', '[1,2]', '{"type":"connection.created"}', 'null']) {
      expect(refusal(() => verifyWebhook(secret, signed([secret], body), body, { now })).reason, body).toBe('invalid_body');
    }
    expect(refusal(() => verifyWebhook(secret, signed([secret], 'not json'), 'not json', { now })).message).toBe('The signed body is not JSON.');
  });
});
