import { describe, expect, it } from 'vitest';
import { blackboard, learnUserClaims } from './blackboard.js';

describe('blackboard profileClaims: the Learn User as claims, its uuid qualified by the install', () => {
  const { profileClaims } = blackboard.settings({ baseUrl: 'https://myschool.blackboard.com/' }).hooks!;

  it("names the person by the uuid at the install's host, never the primary id, with the names, the userName and the e-mail", () => {
    const me = {
      id: '_7_1',
      uuid: 'de2198a86c6645cbafaab13e79529e05',
      externalId: 'restdemouser',
      userName: 'restdemouser',
      name: { given: 'Demo', family: 'User', title: 'Mr' },
      contact: { email: 'demo.user@myschool.edu' },
    };
    expect(profileClaims!(me)).toEqual({
      id: 'de2198a86c6645cbafaab13e79529e05@myschool.blackboard.com',
      uuid: 'de2198a86c6645cbafaab13e79529e05',
      name: 'Demo User',
      given_name: 'Demo',
      family_name: 'User',
      preferred_username: 'restdemouser',
      email: 'demo.user@myschool.edu',
    });
  });

  it('the same uuid at another install is another person', () => {
    expect(learnUserClaims('learn.other.edu')({ uuid: 'abc' })).toEqual({ id: 'abc@learn.other.edu', uuid: 'abc' });
  });

  it('an answer without a uuid names no one, even with a primary id; blank members are left out', () => {
    expect(profileClaims!({ id: '_7_1', userName: 'someone' })).toBeUndefined();
    expect(profileClaims!({ uuid: '  ' })).toBeUndefined();
    expect(profileClaims!({ uuid: 42 })).toBeUndefined();
    expect(profileClaims!([])).toBeUndefined();
    expect(profileClaims!({ uuid: 'u1', name: { given: ' ', family: 'Solo' }, contact: {} })).toEqual({ id: 'u1@myschool.blackboard.com', uuid: 'u1', name: 'Solo', family_name: 'Solo' });
  });
});

describe('blackboard settings: everything on the install', () => {
  it('puts the endpoints and the API under /learn/api/public on the install, asks read and offline, the client as Basic', () => {
    expect(blackboard.settings({ baseUrl: 'https://myschool.blackboard.com/' })).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://myschool.blackboard.com/learn/api/public/v1/oauth2/authorizationcode',
        tokenEndpoint: 'https://myschool.blackboard.com/learn/api/public/v1/oauth2/token',
        userinfoEndpoint: 'https://myschool.blackboard.com/learn/api/public/v1/users/me',
      },
      scope: 'read offline',
      apiBaseUrl: 'https://myschool.blackboard.com/learn/api/public',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      subjectClaim: 'id',
    });
  });
});
