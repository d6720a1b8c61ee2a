import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withTokenProof } from './token-proof.js';

const settings = { tokenProofParameter: 'appsecret_proof', clientSecret: 'app-secret' };
const proof = createHmac('sha256', 'app-secret').update('token-1').digest('hex');

describe('withTokenProof', () => {
  it('adds the HMAC-SHA256 of the token keyed by the client secret, keeping the rest of the query as it was encoded', () => {
    const url = new URL('https://graph.example/v24.0/search?q=a%20b+c&fields=id,name');
    expect(withTokenProof(settings, url, 'token-1').search).toBe(`?q=a%20b+c&fields=id,name&appsecret_proof=${proof}`);
    // The caller's URL is not changed.
    expect(url.search).toBe('?q=a%20b+c&fields=id,name');
  });

  it("replaces a caller's own proof, however its name is encoded", () => {
    const url = new URL('https://graph.example/me?appsecret_proof=forged&appsecret%5Fproof=again&x=1');
    expect(withTokenProof(settings, url, 'token-1').search).toBe(`?x=1&appsecret_proof=${proof}`);
  });

  it('leaves the URL alone for a provider without a proof', () => {
    const url = new URL('https://api.example/me?appsecret_proof=theirs');
    expect(withTokenProof({ clientSecret: 's' }, url, 'token-1')).toBe(url);
  });
});
