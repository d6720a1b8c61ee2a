import { describe, expect, it } from 'vitest';
import { acuity } from './acuity.js';

const settings = acuity.settings({});
const { profileClaims } = settings.hooks!;

describe('acuity settings', () => {
  it('names acuityscheduling.com’s OAuth2 endpoints and API v1, asks api-v1 without PKCE, sends the client in the form, and has no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://acuityscheduling.com/oauth2/authorize',
        tokenEndpoint: 'https://acuityscheduling.com/oauth2/token',
        userinfoEndpoint: 'https://acuityscheduling.com/api/v1/me',
      },
      apiBaseUrl: 'https://acuityscheduling.com/api/v1',
      scope: 'api-v1',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('acuity profileClaims: /me', () => {
  it('takes the numeric id as its digits, the name, the e-mail and the time zone', () => {
    expect(
      profileClaims!({ id: 11145481, email: 'owner@studio.test', timezone: 'America/New_York', name: 'Bright Studio', schedulingPage: 'https://app.acuityscheduling.com/schedule.php?owner=11145481', plan: 'Emerging', currency: 'USD' }),
    ).toEqual({ id: '11145481', name: 'Bright Studio', email: 'owner@studio.test', zoneinfo: 'America/New_York' });
  });

  it('leaves out what is missing or blank', () => {
    expect(profileClaims!({ id: 7, name: ' ', email: null })).toEqual({ id: '7' });
  });

  it.each([[{ email: 'owner@studio.test' }], [{ id: '11145481' }], [{ id: 0 }], [{ id: 1.5 }], [{ status_code: 401, error: 'unauthorized', message: 'Unauthorized' }], [[]], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
