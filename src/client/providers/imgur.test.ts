import { describe, expect, it } from 'vitest';
import { answer } from '../../../test/support/revocation-request.js';
import { imgur } from './imgur.js';

const { profileClaims, tokenResponse } = imgur.settings({}).hooks!;

describe('imgur profileClaims: /3/account/me', () => {
  it("takes data's integer id as a string and the username (url) as the name", () => {
    expect(profileClaims!({ data: { id: 384077, url: 'joshTest', bio: 'A real hoopy frood', reputation: 15303.84, created: 1376951504, pro_expiration: false }, success: true, status: 200 })).toEqual({
      id: '384077',
      name: 'joshTest',
      preferred_username: 'joshTest',
    });
  });

  it('leaves out an empty username', () => {
    expect(profileClaims!({ data: { id: 7, url: ' ' }, success: true, status: 200 })).toEqual({ id: '7' });
  });

  it.each([[{ id: 384077, url: 'joshTest' }], [{ data: { id: '384077' } }], [{ data: { id: 0 } }], [{ data: { id: 1.5 } }], [{ data: null }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('imgur tokenResponse', () => {
  const answered = { access_token: 'at', expires_in: 2419200, token_type: 'bearer', refresh_token: 'rt', account_id: 384077, account_username: 'joshTest' };

  it('drops the null scope Imgur answers, and keeps the rest', async () => {
    expect(await (await tokenResponse!(answer(200, { ...answered, scope: null })())).json()).toEqual(answered);
  });

  it('leaves a string scope, an answer without one and a refusal as they came', async () => {
    expect(await (await tokenResponse!(answer(200, { ...answered, scope: 'x' })())).json()).toEqual({ ...answered, scope: 'x' });
    expect(await (await tokenResponse!(answer(200, answered)())).json()).toEqual(answered);
    const refused = await tokenResponse!(answer(400, { error: 'invalid_grant', scope: null })());
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant', scope: null });
  });
});
