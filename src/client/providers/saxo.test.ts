import { describe, expect, it } from 'vitest';
import { saxo } from './saxo.js';

describe('saxo settings: the AuthenticationUrl <NAME>_BASE_URL names, and its environment’s REST API', () => {
  it('LIVE by default: live.logonvalidation.net, and the API and /port/v1/users/me under gateway.saxobank.com/openapi', () => {
    expect(saxo.settings({})).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://live.logonvalidation.net/authorize',
        tokenEndpoint: 'https://live.logonvalidation.net/token',
        userinfoEndpoint: 'https://gateway.saxobank.com/openapi/port/v1/users/me',
      },
      scope: '',
      apiBaseUrl: 'https://gateway.saxobank.com/openapi',
      tokenEndpointAuthMethod: 'client_secret_post',
      subjectClaim: 'id',
    });
    expect(saxo.settings({}).pkce).not.toBe(false);
  });

  it('Simulation: sim.logonvalidation.net signs in, and the API is gateway.saxobank.com/sim/openapi', () => {
    expect(saxo.settings({ baseUrl: 'https://sim.logonvalidation.net/' })).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://sim.logonvalidation.net/authorize',
        tokenEndpoint: 'https://sim.logonvalidation.net/token',
        userinfoEndpoint: 'https://gateway.saxobank.com/sim/openapi/port/v1/users/me',
      },
      apiBaseUrl: 'https://gateway.saxobank.com/sim/openapi',
    });
  });

  it('another host (a stand-in) serves the sign-in, and the API under its /openapi', () => {
    expect(saxo.settings({ baseUrl: 'http://127.0.0.1:4000' })).toMatchObject({
      endpoints: { tokenEndpoint: 'http://127.0.0.1:4000/token', userinfoEndpoint: 'http://127.0.0.1:4000/openapi/port/v1/users/me' },
      apiBaseUrl: 'http://127.0.0.1:4000/openapi',
    });
  });
});

describe('saxo profileClaims: the user of /port/v1/users/me', () => {
  const live = saxo.settings({}).hooks!.profileClaims!;
  const sim = saxo.settings({ baseUrl: 'https://sim.logonvalidation.net' }).hooks!.profileClaims!;
  const me = {
    Active: true,
    ClientKey: 'V-B8jOk9SM8QdqN1u2Bjtw==',
    Culture: 'en-GB',
    Language: 'en',
    LastLoginStatus: 'Successful',
    LegalAssetTypes: ['FxSpot', 'Stock'],
    Name: ' Mr. Anthony Test ',
    TimeZoneId: 28,
    UserId: '654321',
    UserKey: 'V-B8jOk9SM8QdqN1u2Bjtw==',
  };

  it('is the UserKey qualified by the environment’s host, with the login ID, the client’s key and the name', () => {
    expect(live(me)).toEqual({ id: 'V-B8jOk9SM8QdqN1u2Bjtw==@live.logonvalidation.net', user_key: 'V-B8jOk9SM8QdqN1u2Bjtw==', user_id: '654321', client_key: 'V-B8jOk9SM8QdqN1u2Bjtw==', name: 'Mr. Anthony Test' });
    expect(sim(me)).toMatchObject({ id: 'V-B8jOk9SM8QdqN1u2Bjtw==@sim.logonvalidation.net' });
  });

  it('leaves out what is missing or blank', () => {
    expect(live({ UserKey: 'abc==', UserId: '', Name: 7 })).toEqual({ id: 'abc==@live.logonvalidation.net', user_key: 'abc==' });
  });

  it('names no one without a UserKey, whatever the login ID', () => {
    expect(live({ ...me, UserKey: undefined })).toBeUndefined();
    expect(live({ ...me, UserKey: '  ' })).toBeUndefined();
    expect(live({ ...me, UserKey: 12 })).toBeUndefined();
    expect(live(null)).toBeUndefined();
  });
});
