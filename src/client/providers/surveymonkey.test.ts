import { describe, expect, it } from 'vitest';
import { surveymonkey } from './surveymonkey.js';

const hooks = surveymonkey.settings({}).hooks!;
const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('surveymonkey tokenResponse: token_type where the answer names none', () => {
  it('adds token_type bearer to an answer of access_token and access_url, keeping both', async () => {
    const added = await hooks.tokenResponse!(answer(200, { access_token: 'tok', access_url: 'https://api.eu.surveymonkey.com' }));
    expect(added.status).toBe(200);
    expect(await added.json()).toEqual({ access_token: 'tok', access_url: 'https://api.eu.surveymonkey.com', token_type: 'bearer' });
  });

  it('leaves an answer that names a token_type, a refusal and a body that is not JSON as they came', async () => {
    expect(await (await hooks.tokenResponse!(answer(200, { access_token: 'tok', token_type: 'Bearer', expires_in: 3600 }))).json()).toEqual({ access_token: 'tok', token_type: 'Bearer', expires_in: 3600 });
    const refused = await hooks.tokenResponse!(answer(400, { error: 'invalid_grant' }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant' });
    const page = await hooks.tokenResponse!(new Response('<h1>Bad Gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } }));
    expect(page.status).toBe(502);
    expect(await page.text()).toBe('<h1>Bad Gateway</h1>');
  });
});

describe('surveymonkey profileClaims: /v3/users/me', () => {
  const me = { id: '1234', username: 'testuser', first_name: 'Test', last_name: 'User', email: 'user@surveymonkey.com', email_verified: true, language: 'en' };

  it('takes the id, the names joined, the username and the e-mail with its verification', () => {
    expect(hooks.profileClaims!(me)).toEqual({ id: '1234', name: 'Test User', username: 'testuser', email: 'user@surveymonkey.com', email_verified: true });
  });

  it('names the person by the username without first and last names, and reads an e-mail not said to be verified as unverified', () => {
    expect(hooks.profileClaims!({ ...me, first_name: null, last_name: ' ', email_verified: undefined })).toEqual({ id: '1234', name: 'testuser', username: 'testuser', email: 'user@surveymonkey.com', email_verified: false });
  });

  it.each([[{ username: 'testuser' }], [{ id: '' }], [{ id: 1.5 }], [null], [[{ id: '1' }]]])('finds no one in %j', (body) => {
    expect(hooks.profileClaims!(body)).toBeUndefined();
  });
});
