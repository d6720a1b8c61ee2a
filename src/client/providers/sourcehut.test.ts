import { describe, expect, it } from 'vitest';
import { sourcehut } from './sourcehut.js';

const settings = sourcehut.settings({});
const { tokenRequest, tokenResponse, profileClaims, tokenRejected } = settings.hooks!;
const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('sourcehut tokenRequest: the bare form content type meta.sr.ht compares', () => {
  it('sends the same form, the client authentication kept, with `application/x-www-form-urlencoded` and no charset', () => {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: '0123456789abcdef', redirect_uri: 'https://app.example.com/cb' });
    const sent = tokenRequest!({ body: form, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json', authorization: 'Basic Y2xpZW50OnNlY3JldA==' } });
    expect(new URLSearchParams(sent.body)).toEqual(form);
    expect(sent.headers).toEqual({ accept: 'application/json', authorization: 'Basic Y2xpZW50OnNlY3JldA==', 'content-type': 'application/x-www-form-urlencoded' });
  });
});

describe('sourcehut tokenResponse: no `expires_in`, which says less than the grant lasts', () => {
  it('drops `expires_in` from a successful answer and keeps the rest', async () => {
    const rewritten = await tokenResponse!(answer(200, { access_token: 'AI+ym2EAAAAAAAAIc2lyY21wd26a8JLR48py', token_type: 'bearer', expires_in: 86_399, scope: 'meta.sr.ht/PROFILE:RO' }));
    expect(await rewritten.json()).toEqual({ access_token: 'AI+ym2EAAAAAAAAIc2lyY21wd26a8JLR48py', token_type: 'bearer', scope: 'meta.sr.ht/PROFILE:RO' });
  });

  it('passes a refusal, and an answer without `expires_in`, on as they came', async () => {
    const refusal = { error: 'invalid_grant', error_description: 'The access grant was denied.', error_uri: 'https://man.sr.ht/meta.sr.ht/oauth.md' };
    const refused = await tokenResponse!(answer(400, refusal));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual(refusal);
    const plain = await tokenResponse!(answer(200, { access_token: 'AI+ym2EAAAAAAAAIc2lyY21wd26a8JLR48py', token_type: 'bearer' }));
    expect(await plain.json()).toEqual({ access_token: 'AI+ym2EAAAAAAAAIc2lyY21wd26a8JLR48py', token_type: 'bearer' });
  });
});

describe('sourcehut profileClaims: { data: { me } }', () => {
  it('keeps the id, the username as the name, the e-mail (no verification said), the URL and the location', () => {
    const body = { data: { me: { id: 4242, username: 'ada', email: 'ada@example.com', url: 'https://ada.example.com', location: 'London' } } };
    expect(profileClaims!(body)).toEqual({ id: 4242, name: 'ada', preferred_username: 'ada', email: 'ada@example.com', website: 'https://ada.example.com', location: 'London' });
  });

  it('leaves out what is empty; errors, data null or an id that is not a whole number name no one', () => {
    expect(profileClaims!({ data: { me: { id: 7, username: 'grace', email: 'grace@example.com', url: null, location: ' ' } } })).toEqual({ id: 7, name: 'grace', preferred_username: 'grace', email: 'grace@example.com' });
    expect(profileClaims!({ errors: [{ message: 'Authentication error: Invalid or expired OAuth 2.0 bearer token' }] })).toBeUndefined();
    expect(profileClaims!({ data: null })).toBeUndefined();
    expect(profileClaims!({ data: { me: { id: '7', username: 'grace' } } })).toBeUndefined();
    expect(profileClaims!({ id: 7 })).toBeUndefined();
  });
});

describe('sourcehut tokenRejected: the 403 of an invalid or expired bearer token', () => {
  it('is the token refused', async () => {
    expect(await tokenRejected!(answer(403, { errors: [{ message: 'Authentication error: Invalid or expired OAuth 2.0 bearer token' }] }))).toBe(true);
  });

  it('another 403 (a suspended account, a grant the token lacks), a 401 or a body that is not JSON is the caller’s', async () => {
    expect(await tokenRejected!(answer(403, { errors: [{ message: 'Authentication error: Account suspended with the following notice: spam\nContact support' }] }))).toBe(false);
    expect(await tokenRejected!(answer(403, { errors: [{ message: 'Access denied: token lacks GIT_SR_HT/REPOSITORIES:RO grant' }], data: null }))).toBe(false);
    expect(await tokenRejected!(answer(401, { errors: [{ message: 'Invalid or expired OAuth 2.0 bearer token' }] }))).toBe(false);
    expect(await tokenRejected!(new Response('Forbidden', { status: 403 }))).toBe(false);
  });
});
