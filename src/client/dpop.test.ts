import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asksForNonce, dpopHandle, newDPoPKey, sendWithProof } from './dpop.js';

/**
 * A resource server on 127.0.0.1 that checks DPoP proofs as RFC 9449 §4.3 and §7.1 say (a `dpop+jwt` signed by the
 * key it carries, for this method and URL, with the token's hash), refuses the token `revoked`, and, when `nonce` is
 * set, asks for that nonce.
 */
let server: Server;
let origin: string;
let nonce: string | undefined;
let seen: Array<{ headers: IncomingHttpHeaders; body: string; proof?: Record<string, unknown>; jkt?: string; refusal?: string }>;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const record: (typeof seen)[number] = { headers: req.headers, body: Buffer.concat(chunks).toString() };
        seen.push(record);
        const refuse = (error: string, headers: Record<string, string> = {}) => {
          record.refusal = error;
          res.writeHead(401, { 'www-authenticate': `DPoP error="${error}", algs="ES256"`, ...headers }).end();
        };
        const token = /^DPoP (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (!token || token === 'revoked' || typeof req.headers.dpop !== 'string') return refuse('invalid_token');
        try {
          const { payload, protectedHeader } = await jwtVerify(req.headers.dpop, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
          record.proof = payload;
          record.jkt = await calculateJwkThumbprint(protectedHeader.jwk as JWK);
          const url = new URL(req.url ?? '/', origin);
          if (payload.htm !== req.method || payload.htu !== `${url.origin}${url.pathname}`) return refuse('invalid_dpop_proof');
          if (payload.ath !== createHash('sha256').update(token).digest('base64url')) return refuse('invalid_dpop_proof');
          if (nonce !== undefined && payload.nonce !== nonce) return refuse('use_dpop_nonce', { 'dpop-nonce': nonce });
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
        } catch {
          refuse('invalid_dpop_proof');
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  nonce = undefined;
  seen = [];
});

const config = () => new oidc.Configuration({ issuer: origin }, 'client-1');
const send = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => fetch(url, init);

describe('newDPoPKey', () => {
  it('is a new ES256 private JWK each time, whose public part is its key', async () => {
    const first = JSON.parse(await newDPoPKey()) as JWK;
    const second = JSON.parse(await newDPoPKey()) as JWK;
    expect(first).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', x: expect.any(String), y: expect.any(String), d: expect.any(String) });
    expect(second.d).not.toBe(first.d);
  });
});

describe('sendWithProof', () => {
  it('sends the token as DPoP with a proof of the stored key for this method and URL (no query), and no User-Agent of its own', async () => {
    const key = await newDPoPKey();
    const handle = await dpopHandle(config(), key);
    const url = new URL(`${origin}/notes?page=2`);
    const response = await sendWithProof(handle, send, url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }, 'at-1', { allowInsecureHttp: true, resendable: true });
    expect(response.status).toBe(200);
    const [request] = seen;
    expect(request!.headers.authorization).toBe('DPoP at-1');
    expect(request!.headers['user-agent']).not.toMatch(/oauth4webapi/);
    expect(request!.body).toBe('hello');
    expect(request!.proof).toMatchObject({ htm: 'POST', htu: `${origin}/notes`, jti: expect.any(String), iat: expect.any(Number) });
    const { d: _private, ...publicJwk } = JSON.parse(key) as JWK;
    expect(request!.jkt).toBe(await calculateJwkThumbprint(publicJwk));
  });

  it('a 401 asking for a nonce is sent once more with it, and the nonce is kept for the next call; a streamed body is not sent twice', async () => {
    nonce = 'n-1';
    const handle = await dpopHandle(config(), await newDPoPKey());
    const response = await sendWithProof(handle, send, new URL(`${origin}/a`), { method: 'GET', headers: {} }, 'at-1', { allowInsecureHttp: true, resendable: true });
    expect(response.status).toBe(200);
    expect(seen.map((request) => request.refusal ?? 'ok')).toEqual(['use_dpop_nonce', 'ok']);
    expect(seen[1]!.proof!.nonce).toBe('n-1');
    await sendWithProof(handle, send, new URL(`${origin}/b`), { method: 'GET', headers: {} }, 'at-1', { allowInsecureHttp: true, resendable: true });
    expect(seen.map((request) => request.refusal ?? 'ok')).toEqual(['use_dpop_nonce', 'ok', 'ok']);

    nonce = 'n-2';
    const refused = await sendWithProof(handle, send, new URL(`${origin}/c`), { method: 'PUT', headers: {}, body: 'once' }, 'at-1', { allowInsecureHttp: true, resendable: false });
    expect(refused.status).toBe(401);
    expect(asksForNonce(refused)).toBe(true);
    expect(seen).toHaveLength(4);
  });

  it('a refused proof or token is the answer as it came, not sent again', async () => {
    const handle = await dpopHandle(config(), await newDPoPKey());
    const response = await sendWithProof(handle, send, new URL(`${origin}/x`), { method: 'GET', headers: {} }, 'revoked', { allowInsecureHttp: true, resendable: true });
    expect(response.status).toBe(401);
    expect(asksForNonce(response)).toBe(false);
    expect(seen).toHaveLength(1);
  });
});

describe('dpopHandle', () => {
  it('is one handle per key and configuration, which keeps the nonces its servers gave', async () => {
    const key = await newDPoPKey();
    const configuration = config();
    expect(await dpopHandle(configuration, key)).toBe(await dpopHandle(configuration, key));
    expect(await dpopHandle(configuration, await newDPoPKey())).not.toBe(await dpopHandle(configuration, key));
    expect(await dpopHandle(config(), key)).not.toBe(await dpopHandle(configuration, key));
  });

  it('a stored key that is not a private EC JWK is refused, and not kept', async () => {
    const configuration = config();
    await expect(dpopHandle(configuration, '{"kty":"EC"}')).rejects.toThrow();
    await expect(dpopHandle(configuration, '{"kty":"EC"}')).rejects.toThrow();
  });
});

describe('asksForNonce', () => {
  it('is a 401 whose DPoP challenge is use_dpop_nonce, and nothing else', () => {
    const answer = (status: number, challenge: string) => new Response(null, { status, headers: { 'www-authenticate': challenge } });
    expect(asksForNonce(answer(401, 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"'))).toBe(true);
    expect(asksForNonce(answer(401, 'Bearer realm="api", DPoP error="use_dpop_nonce"'))).toBe(true);
    expect(asksForNonce(answer(401, 'DPoP error="invalid_token"'))).toBe(false);
    expect(asksForNonce(answer(401, 'Bearer error="invalid_token", error_description="not use_dpop_nonce"'))).toBe(false);
    expect(asksForNonce(answer(400, 'DPoP error="use_dpop_nonce"'))).toBe(false);
  });
});
