import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { feedly } from './feedly.js';

const settings = feedly.settings({});
const { tokenResponse, profileClaims, revoke } = settings.hooks!;
const jsonAnswer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('Feedly preset', () => {
  it("names the Cloud API's auth, token, profile and logout endpoints, asks the subscriptions scope, no PKCE, the client in the form", () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://cloud.feedly.com/v3/auth/auth',
        tokenEndpoint: 'https://cloud.feedly.com/v3/auth/token',
        userinfoEndpoint: 'https://cloud.feedly.com/v3/profile',
        revocationEndpoint: 'https://cloud.feedly.com/v3/auth/logout',
      },
      scope: 'https://cloud.feedly.com/subscriptions',
      apiBaseUrl: 'https://cloud.feedly.com/v3',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
  });
});

describe('feedly tokenResponse: an ended refresh token is invalid_grant', () => {
  it.each([['bad refresh_token'], ['revoked refresh_token']])('reads a 401 saying "%s" as RFC 6749 §5.2 invalid_grant, its words kept', async (words) => {
    const rewritten = await tokenResponse!(jsonAnswer(401, { errorCode: 401, errorId: 'ap3int-sv2.2026120702.1234', errorMessage: words }));
    expect(rewritten.status).toBe(400);
    expect(await rewritten.json()).toEqual({ error: 'invalid_grant', error_description: words });
  });

  it('reads the words from a body that is not JSON too', async () => {
    const rewritten = await tokenResponse!(new Response('revoked refresh_token', { status: 401 }));
    expect([rewritten.status, await rewritten.json()]).toEqual([400, { error: 'invalid_grant', error_description: 'revoked refresh_token' }]);
  });

  it('leaves a 401 about something else, an RFC 6749 refusal, a success and other statuses as they were', async () => {
    const client = await tokenResponse!(jsonAnswer(401, { errorCode: 401, errorMessage: 'bad client_secret' }));
    expect([client.status, await client.json()]).toEqual([401, { errorCode: 401, errorMessage: 'bad client_secret' }]);
    const rfc = await tokenResponse!(jsonAnswer(401, { error: 'invalid_client', error_description: 'no refresh_token for you' }));
    expect([rfc.status, await rfc.json()]).toEqual([401, { error: 'invalid_client', error_description: 'no refresh_token for you' }]);
    const code = await tokenResponse!(jsonAnswer(400, { error: 'invalid_grant' }));
    expect([code.status, await code.json()]).toEqual([400, { error: 'invalid_grant' }]);
    const success = await tokenResponse!(jsonAnswer(200, { id: 'c805fcbf-3acf-4302-a97e-d82f9d7c897f', access_token: 'at', expires_in: 604800, token_type: 'Bearer', plan: 'standard' }));
    expect(await success.json()).toMatchObject({ id: 'c805fcbf-3acf-4302-a97e-d82f9d7c897f', access_token: 'at' });
  });
});

describe('feedly profileClaims: /v3/profile', () => {
  const profile = { id: 'c805fcbf-3acf-4302-a97e-d82f9d7c897f', email: 'jim.smith@gmail.com', givenName: 'Jim', familyName: 'Smith', fullName: 'Jim Smith', locale: 'en', google: '115562565652656565656' };

  it('takes id as the subject, fullName as the name, the given and family names and the e-mail', () => {
    expect(profileClaims!(profile)).toEqual({ id: profile.id, name: 'Jim Smith', given_name: 'Jim', family_name: 'Smith', email: 'jim.smith@gmail.com' });
  });

  it('joins the given and family names without a fullName, and leaves out what the sign-in method did not give', () => {
    expect(profileClaims!({ id: profile.id, givenName: ' Jim ', familyName: 'Smith' })).toEqual({ id: profile.id, name: 'Jim Smith', given_name: 'Jim', family_name: 'Smith' });
    expect(profileClaims!({ id: profile.id, twitter: 'jimsmith', email: '' })).toEqual({ id: profile.id });
  });

  it.each([[{ ...profile, id: '' }], [{ ...profile, id: 42 }], [{ email: 'no.id@example.com' }], [null], [[profile]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('feedly revoke: POST /v3/auth/logout', () => {
  const endpoint = 'https://cloud.feedly.com/v3/auth/logout';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { revocationEndpoint: endpoint, ...state });

  it('200 is revoked; the access token goes as Bearer, with no body', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
    expect(sent[0]!.init.body).toBeUndefined();
  });

  it('a 401 to a live token is already revoked, a 503 a fault of Feedly', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'Feedly answered HTTP 503 to the logout.' });
  });
});
