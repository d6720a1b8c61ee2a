import { describe, expect, it } from 'vitest';
import { mailchimp } from './mailchimp.js';

const settings = mailchimp.settings({});
const hooks = settings.hooks!;

const METADATA = {
  dc: 'us6',
  role: 'owner',
  accountname: 'Acme Shop',
  user_id: 8_675_309,
  login: { email: 'ada@acme.test', avatar: null, login_id: 1_234_567, login_name: 'ada', login_email: 'ada@acme.test' },
  login_url: 'https://login.mailchimp.com',
  api_endpoint: 'https://us6.api.mailchimp.com',
};

describe('Mailchimp preset', () => {
  it('reads the login as the person, the account beside it, and the Marketing API base as api_endpoint + /3.0', () => {
    expect(hooks.profileClaims!(METADATA)).toEqual({
      login_id: 1_234_567,
      login_name: 'ada',
      email: 'ada@acme.test',
      account_id: 8_675_309,
      account_name: 'Acme Shop',
      role: 'owner',
      dc: 'us6',
      api_endpoint: 'https://us6.api.mailchimp.com',
      api_base: 'https://us6.api.mailchimp.com/3.0',
    });
    expect(hooks.profileClaims!({ ...METADATA, api_endpoint: 'https://us6.api.mailchimp.com/' })).toMatchObject({ api_base: 'https://us6.api.mailchimp.com/3.0' });
  });

  it('names no API base when the metadata has no api_endpoint, and no one when it has no login', () => {
    expect(hooks.profileClaims!({ ...METADATA, api_endpoint: undefined })).not.toHaveProperty('api_base');
    expect(hooks.profileClaims!({ error: 'invalid_token' })).toBeUndefined();
    expect(hooks.profileClaims!(null)).toBeUndefined();
  });

  it('reads expires_in 0 as a token that does not expire, and leaves other lifetimes and refusals as they are', async () => {
    const answer = new Response(JSON.stringify({ access_token: 'at', expires_in: 0, scope: null }), { status: 200, headers: { 'content-type': 'application/json' } });
    expect(await (await hooks.tokenResponse!(answer)).json()).toEqual({ access_token: 'at', scope: null });
    const lasting = new Response(JSON.stringify({ access_token: 'at', token_type: 'bearer', expires_in: 3600 }), { status: 200, headers: { 'content-type': 'application/json' } });
    expect(await (await hooks.tokenResponse!(lasting)).json()).toEqual({ access_token: 'at', token_type: 'bearer', expires_in: 3600 });
    const refusal = new Response(JSON.stringify({ error: 'invalid_grant' }), { status: 400, headers: { 'content-type': 'application/json' } });
    const kept = await hooks.tokenResponse!(refusal);
    expect(kept.status).toBe(400);
    expect(await kept.json()).toEqual({ error: 'invalid_grant' });
  });

  it('reads an answer without token_type as Bearer (omitsTokenType)', () => {
    expect(settings.omitsTokenType).toBe(true);
  });
});
