import { describe, expect, it } from 'vitest';
import { x } from './x.js';

const hooks = x.settings({}).hooks!;

describe('x tokenResponse: its refusals of a grant as invalid_grant', () => {
  it.each(['Value passed for the token was invalid.', 'Value passed for the authorization code was invalid.', 'Value passed for the code verifier did not match the code challenge.'])(
    '"%s" becomes invalid_grant',
    async (description) => {
      const answer = await hooks.tokenResponse!(new Response(JSON.stringify({ error: 'invalid_request', error_description: description }), { status: 400 }));
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({ error: 'invalid_grant', error_description: description, x_error: 'invalid_request' });
    },
  );

  it('another 400 is passed on as it was', async () => {
    const body = JSON.stringify({ error: 'invalid_request', error_description: 'Missing required parameter [grant_type].' });
    const answer = await hooks.tokenResponse!(new Response(body, { status: 400 }));
    expect(await answer.text()).toBe(body);
  });

  it('an answer that is not a 400 is not even read', async () => {
    const original = new Response('{"access_token":"a","token_type":"bearer"}', { status: 200 });
    expect(await hooks.tokenResponse!(original)).toBe(original);
  });
});

describe('x profileClaims: the profile under `data`', () => {
  it('takes the user from data; a confirmed e-mail is a verified one', () => {
    expect(hooks.profileClaims!({ data: { id: '1', username: 'ada', confirmed_email: 'ada@acme.test' } })).toEqual({
      id: '1',
      username: 'ada',
      confirmed_email: 'ada@acme.test',
      email: 'ada@acme.test',
      email_verified: true,
    });
    expect(hooks.profileClaims!({ data: { id: '1', confirmed_email: '' } })).toEqual({ id: '1', confirmed_email: '' });
  });

  it.each([[{}], [{ data: null }], [{ data: [1] }], [null], ['text']])('finds no profile in %j', (body) => {
    expect(hooks.profileClaims!(body)).toBeUndefined();
  });
});
