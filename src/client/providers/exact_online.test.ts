import { describe, expect, it } from 'vitest';
import { exact_online } from './exact_online.js';

const ME = {
  __metadata: { uri: "https://start.exactonline.nl/api/v1/current/Me(guid'0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d')", type: 'Exact.Web.Api.System.Me' },
  UserID: '0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D',
  CurrentDivision: 797019,
  Email: 'jan@bakkerij.nl',
  FirstName: 'Jan',
  FullName: ' Jan de Vries ',
  LanguageCode: 'nl-NL',
  LastName: 'de Vries',
  PictureUrl: 'https://start.exactonline.nl/docs/SysImage.aspx?Table=Users&ID=0a1b2c3d',
  UserName: 'jdevries',
  ServerTime: '/Date(1733560000000)/',
};

describe('exact_online settings', () => {
  it('signs in, reads current/Me and calls the API on the Dutch site unless another is named, asks no scope, sends the client in the form, and has no revocation', () => {
    const settings = exact_online.settings({});
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://start.exactonline.nl/api/oauth2/auth',
        tokenEndpoint: 'https://start.exactonline.nl/api/oauth2/token',
        userinfoEndpoint: 'https://start.exactonline.nl/api/v1/current/Me',
      },
      apiBaseUrl: 'https://start.exactonline.nl/api',
      scope: '',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(exact_online.values).toEqual({ baseUrl: 'optional' });
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
    expect(exact_online.settings({ baseUrl: 'https://start.exactonline.co.uk/' }).endpoints).toEqual({
      authorizationEndpoint: 'https://start.exactonline.co.uk/api/oauth2/auth',
      tokenEndpoint: 'https://start.exactonline.co.uk/api/oauth2/token',
      userinfoEndpoint: 'https://start.exactonline.co.uk/api/v1/current/Me',
    });
  });
});

describe('exact_online profileClaims: the user of current/Me', () => {
  const profileClaims = (site: string) => exact_online.settings({ baseUrl: site }).hooks!.profileClaims!;

  it("qualifies the UserID (lower-cased) by the site's host, and takes the names, the login name, the e-mail, the language, the picture and the current division", () => {
    expect(profileClaims('https://start.exactonline.nl')({ d: { results: [ME] } })).toEqual({
      id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d@start.exactonline.nl',
      user_id: '0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D',
      name: 'Jan de Vries',
      given_name: 'Jan',
      family_name: 'de Vries',
      preferred_username: 'jdevries',
      email: 'jan@bakkerij.nl',
      locale: 'nl-NL',
      picture: 'https://start.exactonline.nl/docs/SysImage.aspx?Table=Users&ID=0a1b2c3d',
      division: '797019',
    });
  });

  it("the same UserID on another country's site is another account", () => {
    expect(profileClaims('https://start.exactonline.be')({ d: { results: [ME] } })?.id).toBe('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d@start.exactonline.be');
  });

  it('joins the first and last names without a full name, and leaves out what is empty', () => {
    expect(profileClaims('https://start.exactonline.nl')({ d: { results: [{ UserID: ME.UserID, FullName: ' ', FirstName: 'Jan', LastName: '', Email: null, CurrentDivision: 0 }] } })).toEqual({
      id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d@start.exactonline.nl',
      user_id: ME.UserID,
      name: 'Jan',
      given_name: 'Jan',
    });
  });

  it.each([[{ d: { results: [] } }], [{ d: { results: [{ ...ME, UserID: 'jdevries' }] } }], [{ d: { results: [{ ...ME, UserID: 42 }] } }], [ME], [{ error: { message: { value: 'Unauthorized' } } }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims('https://start.exactonline.nl')(body)).toBeUndefined();
  });
});
