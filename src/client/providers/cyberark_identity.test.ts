import { describe, expect, it } from 'vitest';
import { cyberark_identity, userinfoClaims } from './cyberark_identity.js';

const CLIENT_ID = '90ab28fc-f890-4b3d-9c44-722c9b6ecf2b';
const settings = cyberark_identity.settings({ domain: 'mytenant.idaptive.app', applicationSlug: 'acme-portal' }, { clientId: CLIENT_ID });
const claims = userinfoClaims('mytenant.idaptive.app', CLIENT_ID);

describe('cyberark_identity settings', () => {
  it("makes the application's endpoints from the tenant's host and the Application ID, asks the OpenID scopes, sends Basic as it is without PKCE, reads no ID token and POSTs the user info", () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://mytenant.idaptive.app/oauth2/authorize/acme-portal',
        tokenEndpoint: 'https://mytenant.idaptive.app/oauth2/token/acme-portal',
        userinfoEndpoint: 'https://mytenant.idaptive.app/oauth2/userinfo/acme-portal',
        revocationEndpoint: 'https://mytenant.idaptive.app/oauth2/revoke/acme-portal',
      },
      scope: 'openid profile email',
      apiBaseUrl: 'https://mytenant.idaptive.app/oauth2',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      idTokenUnused: true,
      userinfoPostJson: {},
      subjectClaim: 'id',
    });
    expect(cyberark_identity.values).toEqual({ domain: 'required', applicationSlug: 'required' });
    expect(settings.hooks?.revoke).toBeUndefined();
  });

  it("qualifies the subject by the tenant's host it was made for", () => {
    const other = cyberark_identity.settings({ domain: 'acme.my.idaptive.app', applicationSlug: 'portal' }, { clientId: CLIENT_ID });
    expect(other.hooks!.profileClaims!({ sub: 'c2c7bcc6-9560-44e0-8dff-5be221cd37ee' })).toEqual({ id: 'c2c7bcc6-9560-44e0-8dff-5be221cd37ee@acme.my.idaptive.app', sub: 'c2c7bcc6-9560-44e0-8dff-5be221cd37ee' });
  });
});

describe('cyberark_identity userinfoClaims: the user info', () => {
  it("names no one when its sub is the app's client ID (the basic sample's swap), so no two people share an account", () => {
    expect(claims({ sub: CLIENT_ID, aud: 'c2c7bcc6-9560-44e0-8dff-5be221cd37ee', name: 'Monika A' })).toBeUndefined();
  });

  it('keeps the UUID qualified by the host, the name, the username and the verified e-mail; the given and family names, which repeat the full name, are dropped', () => {
    expect(
      claims({
        given_name: 'monika.a',
        aud: '90ab28fc-f890-4b3d-9c44-722c9b6ecf2b',
        name: 'monika.a',
        email: 'monika.a@acme.test',
        family_name: 'monika.a',
        preferred_username: 'monika.a',
        unique_name: 'monika.a@acme',
        sub: 'c2c7bcc6-9560-44e0-8dff-5be221cd37ee',
        email_verified: true,
      }),
    ).toEqual({ id: 'c2c7bcc6-9560-44e0-8dff-5be221cd37ee@mytenant.idaptive.app', sub: 'c2c7bcc6-9560-44e0-8dff-5be221cd37ee', name: 'monika.a', preferred_username: 'monika.a', email: 'monika.a@acme.test', email_verified: true });
  });

  it('keeps given and family names that differ from the full name', () => {
    expect(claims({ sub: 'u1', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' })).toEqual({ id: 'u1@mytenant.idaptive.app', sub: 'u1', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace' });
  });

  it('reads email_verified typed as a string, and claims no verification without an e-mail or with another value', () => {
    expect(claims({ sub: 'u2', email: 'grace@acme.test', email_verified: 'True' })).toMatchObject({ email: 'grace@acme.test', email_verified: true });
    expect(claims({ sub: 'u3', email: 'alan@acme.test', email_verified: 'false' })).toMatchObject({ email: 'alan@acme.test', email_verified: false });
    expect(claims({ sub: 'u4', email: 'kay@acme.test', email_verified: 'yes' })).toEqual({ id: 'u4@mytenant.idaptive.app', sub: 'u4', email: 'kay@acme.test' });
    expect(claims({ sub: 'u5', email_verified: true })).toEqual({ id: 'u5@mytenant.idaptive.app', sub: 'u5' });
  });

  it.each([[{ name: 'monika.a' }], [{ sub: 42 }], [{ sub: ' ' }], [{ error: 'invalid_token' }], [null], [[{ sub: 'u1' }]]])('finds no one in %j', (body) => {
    expect(claims(body)).toBeUndefined();
  });
});
