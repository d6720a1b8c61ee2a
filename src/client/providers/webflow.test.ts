import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { webflow } from './webflow.js';

const settings = webflow.settings({});
const { tokenRequest, profileClaims, revoke } = settings.hooks!;

describe('webflow settings', () => {
  it('webflow.com and api.webflow.com, authorized_user:read without PKCE, the API at /v2', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://webflow.com/oauth/authorize',
        tokenEndpoint: 'https://api.webflow.com/oauth/access_token',
        userinfoEndpoint: 'https://api.webflow.com/v2/token/authorized_by',
        revocationEndpoint: 'https://webflow.com/oauth/revoke_authorization',
      },
      scope: 'authorized_user:read',
      pkce: false,
      apiBaseUrl: 'https://api.webflow.com/v2',
      subjectClaim: 'id',
    });
  });
});

describe('webflow tokenRequest: the JSON body of Webflow’s SDK', () => {
  it('sends every field as JSON, the client in it', () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'https://app.test/cb', client_id: 'id', client_secret: 's' });
    const sent = tokenRequest!({ body, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(sent.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: 'https://app.test/cb', client_id: 'id', client_secret: 's' });
  });
});

describe('webflow profileClaims: the user of /v2/token/authorized_by', () => {
  const user = { id: '545bbecb7bdd6769632504a7', email: 'some@email.com', firstName: 'Some', lastName: 'One' };

  it('takes the id, the names joined, and the e-mail unverified', () => {
    expect(profileClaims!(user)).toEqual({ id: '545bbecb7bdd6769632504a7', name: 'Some One', email: 'some@email.com', email_verified: false });
  });

  it('no names and no e-mail: neither is claimed', () => {
    expect(profileClaims!({ id: user.id, firstName: '', lastName: null, email: '' })).toEqual({ id: user.id });
  });

  it.each([[{ ...user, id: '' }], [{ ...user, id: 42 }], [{ code: 'not_authorized', message: 'Request not authorized' }], [null], [[user]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('webflow revoke: the access token at /oauth/revoke_authorization', () => {
  const request = (reply: () => Response, state: Partial<RevocationRequest> = {}) =>
    revocationRequest(reply, { clientId: 'id', revocationEndpoint: 'https://webflow.com/oauth/revoke_authorization', ...state });

  it('did_revoke is revoked; the client and the access token go as JSON', async () => {
    const { value, sent } = request(answer(200, { did_revoke: true }));
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://webflow.com/oauth/revoke_authorization');
    expect(sent[0]!.init.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent[0]!.init.body!)).toEqual({ client_id: 'id', client_secret: 's', access_token: 'live' });
  });

  it('invalid_token (revoked already, or unknown) is already revoked', async () => {
    expect(await revoke!(request(answer(400, { error: 'invalid_token', error_description: 'The access token provided does not exist' })).value)).toBe('already_revoked');
  });

  it('invalid_client, a 200 that did not revoke, and a failing server are refusals', async () => {
    await expect(revoke!(request(answer(401, { error: 'invalid_client' })).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: expect.stringContaining('invalid_client') });
    await expect(revoke!(request(answer(200, { did_revoke: false })).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(answer(503)).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
