import { describe, expect, it } from 'vitest';
import { openstreetmap } from './openstreetmap.js';

const settings = openstreetmap.settings({});
const { profileClaims } = settings.hooks!;

describe('openstreetmap settings', () => {
  it('signs in at www.openstreetmap.org, revokes there, reads the person and calls API v0.6 at api.openstreetmap.org, asks read_prefs with PKCE and the client as Basic', () => {
    expect(openstreetmap.values).toBeUndefined();
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://www.openstreetmap.org/oauth2/authorize',
        tokenEndpoint: 'https://www.openstreetmap.org/oauth2/token',
        userinfoEndpoint: 'https://api.openstreetmap.org/api/0.6/user/details.json',
        revocationEndpoint: 'https://www.openstreetmap.org/oauth2/revoke',
      },
      scope: 'read_prefs',
      apiBaseUrl: 'https://api.openstreetmap.org/api/0.6',
      tokenEndpointAuthMethod: 'client_secret_basic',
      subjectClaim: 'id',
    });
    // No discovery (the endpoints are fixed), and PKCE left on (the default).
    expect(settings).not.toHaveProperty('discovery');
    expect(settings).not.toHaveProperty('pkce');
    expect(Object.keys(settings.hooks!)).toEqual(['profileClaims']);
  });
});

describe('openstreetmap profileClaims: the user of user/details.json', () => {
  const details = {
    version: '0.6',
    generator: 'OpenStreetMap server',
    user: { id: 1234, display_name: ' Max Muster ', account_created: '2006-07-21T19:28:26Z', description: 'The description of your profile', contributor_terms: { agreed: true, pd: true }, img: { href: 'https://www.openstreetmap.org/attachments/users/images/000/000/1234/original/someLongURLOrOther.JPG' }, roles: [], changesets: { count: 4182 }, home: { lat: 49.47, lon: 8.89, zoom: 3 }, languages: ['de-DE', 'de', 'en'] },
  };

  it('takes the id as text, the display name as the name and the username, and the picture; not the home or the languages', () => {
    expect(profileClaims!(details)).toEqual({ id: '1234', name: 'Max Muster', preferred_username: 'Max Muster', picture: 'https://www.openstreetmap.org/attachments/users/images/000/000/1234/original/someLongURLOrOther.JPG' });
  });

  it('leaves out an empty display name and a missing picture', () => {
    expect(profileClaims!({ user: { id: 7, display_name: ' ' } })).toEqual({ id: '7' });
  });

  it.each([[{ user: { id: '1234', display_name: 'Max' } }], [{ user: { id: 0 } }], [{ user: { id: 1.5 } }], [{ id: 1234 }], [{ users: [{ user: { id: 1 } }] }], [null], ['Couldn\'t authenticate you']])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
