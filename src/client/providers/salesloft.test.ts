import { describe, expect, it } from 'vitest';
import { salesloft } from './salesloft.js';

const settings = salesloft.settings({});
const { profileClaims } = settings.hooks!;

describe("salesloft profileClaims: /v2/me's data", () => {
  it('takes the guid, the id, the first and last names (joined as the name) and the e-mail, nothing of the team', () => {
    const me = {
      data: {
        id: 4012,
        guid: '0f6a1b4e-7a0c-4d1e-9b7b-3c2d8e5f6a70',
        name: 'Debora Lang',
        first_name: 'Debora',
        last_name: 'Lang',
        email: 'debora@example.com',
        team: { id: 21, _href: 'https://api.salesloft.com/v2/team' },
      },
    };
    expect(profileClaims!(me)).toEqual({
      guid: '0f6a1b4e-7a0c-4d1e-9b7b-3c2d8e5f6a70',
      id: 4012,
      given_name: 'Debora',
      family_name: 'Lang',
      name: 'Debora Lang',
      email: 'debora@example.com',
    });
  });

  it('falls back on name without first and last names, and leaves out what is empty or not an integer id', () => {
    expect(profileClaims!({ data: { guid: 'g-1', id: '4012', name: ' Solo ', first_name: '', last_name: ' ', email: '' } })).toEqual({ guid: 'g-1', name: 'Solo' });
  });

  it.each([[{ data: { id: 4012, email: 'a@b.c' } }], [{ data: { guid: '' } }], [{ data: { guid: 42 } }], [{ guid: 'g-1' }], [{ data: [] }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('salesloft settings', () => {
  it('no scope asked (the application holds them), the form for the client, no PKCE, the profile on the API, the guid the subject, and no revocation', () => {
    expect(settings).toMatchObject({
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      apiBaseUrl: 'https://api.salesloft.com',
      endpoints: { userinfoEndpoint: 'https://api.salesloft.com/v2/me' },
      subjectClaim: 'guid',
    });
    expect(settings.endpoints!.revocationEndpoint).toBeUndefined();
    expect(settings.hooks!.revoke).toBeUndefined();
    expect(settings.refreshTokenIdleSeconds).toBeUndefined();
  });
});
