import { describe, expect, it } from 'vitest';
import { webex } from './webex.js';

const settings = webex.settings({});
const { tokenResponse, profileClaims } = settings.hooks!;

describe('webex settings', () => {
  it('webexapis.com with spark:people_read, PKCE, the client in the form, 90-day refresh tokens kept alive, and no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: { authorizationEndpoint: 'https://webexapis.com/v1/authorize', tokenEndpoint: 'https://webexapis.com/v1/access_token', userinfoEndpoint: 'https://webexapis.com/v1/people/me' },
      scope: 'spark:people_read',
      apiBaseUrl: 'https://webexapis.com/v1',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
      refreshTokenIdleSeconds: 90 * 86_400,
    });
    expect(settings.pkce).not.toBe(false);
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(settings.hooks!.revoke).toBeUndefined();
  });
});

describe("webex tokenResponse: the OAuth error inside Webex's message as RFC 6749's", () => {
  const webexError = (status: number, message: string) =>
    new Response(JSON.stringify({ message, errors: [{ description: message }], trackingId: 'ROUTER_6613A2F6-4C1C-01BB-00B5-0AB2B62900B5' }), { status, headers: { 'content-type': 'application/json' } });
  const read = async (response: Response) => ({ status: response.status, body: (await response.json()) as unknown });

  it('a refused code is invalid_grant with its description', async () => {
    const refused = webexError(
      400,
      "POST failed: HTTP/1.1 400 Bad Request (url = https://idbroker.webex.com/idb/oauth2/v1/access_token, request/response TrackingId = ROUTER_1, error = '(invalid_grant) Authorization code has expired or has already been used.')",
    );
    expect(await read(await tokenResponse!(refused))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Authorization code has expired or has already been used.' } });
  });

  it('a wrong secret is invalid_client', async () => {
    const refused = webexError(401, "POST failed: HTTP/1.1 401 Unauthorized (url = https://idbroker.webex.com/idb/oauth2/v1/access_token, error = '(invalid_client) The client secret is invalid.')");
    expect(await read(await tokenResponse!(refused))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('answers, RFC 6749 refusals, server errors and messages naming no OAuth error pass as they came', async () => {
    const tokens = { access_token: 'at', expires_in: 1209599, refresh_token: 'rt', refresh_token_expires_in: 7775999 };
    expect(await read(await tokenResponse!(new Response(JSON.stringify(tokens), { status: 200, headers: { 'content-type': 'application/json' } })))).toEqual({ status: 200, body: tokens });
    const rfc = { error: 'invalid_grant', error_description: 'used' };
    expect(await read(await tokenResponse!(new Response(JSON.stringify(rfc), { status: 400, headers: { 'content-type': 'application/json' } })))).toEqual({ status: 400, body: rfc });
    expect(await read(await tokenResponse!(webexError(400, 'Missing required parameter redirect_uri')))).toMatchObject({ body: { message: 'Missing required parameter redirect_uri' } });
    expect(await read(await tokenResponse!(webexError(502, "error = '(invalid_grant) x'")))).toMatchObject({ status: 502, body: { message: "error = '(invalid_grant) x'" } });
  });
});

describe('webex profileClaims: the person of /v1/people/me', () => {
  const person = {
    id: 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY',
    emails: ['john.andersen@example.com'],
    displayName: 'John Andersen',
    firstName: 'John',
    lastName: 'Andersen',
    orgId: 'Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi85NmFiYzJhYS0zZGNjLTExZTUtYTE1Mi1mZTM0ODE5Y2RjOWE',
    type: 'person',
  };

  it('takes the id, the display name, the first e-mail unverified, the organization and type', () => {
    expect(profileClaims!(person)).toEqual({ id: person.id, name: 'John Andersen', email: 'john.andersen@example.com', email_verified: false, org_id: person.orgId, type: 'person' });
  });

  it('no e-mails and no display name: neither is claimed', () => {
    const claims = profileClaims!({ ...person, emails: [], displayName: '' })!;
    expect(claims).not.toHaveProperty('email');
    expect(claims).not.toHaveProperty('name');
  });

  it.each([[{ ...person, id: '' }], [{ ...person, id: 7 }], [{ message: 'The request requires a valid access token' }], [null], [[person]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
