import { describe, expect, it } from 'vitest';
import { providerSettings } from '../../config/provider-config.js';
import { bungie } from './bungie.js';

const API_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const settings = bungie.settings({ apiKey: API_KEY });
const { profileClaims } = settings.hooks!;

describe('bungie profileClaims: GetMembershipsForCurrentUser', () => {
  const answer = (response: unknown) => ({ Response: response, ErrorCode: 1, ThrottleSeconds: 0, ErrorStatus: 'Success', Message: 'Ok', MessageData: {} });

  it('keeps the Bungie.net membership id, the Bungie Name, the picture on www.bungie.net and the Destiny memberships', () => {
    const body = answer({
      destinyMemberships: [
        { membershipType: 3, membershipId: '4611686018470749805', displayName: 'joshmcsquash', bungieGlobalDisplayName: 'Josh', bungieGlobalDisplayNameCode: 42, iconPath: '/img/theme/bungienet/icons/steamLogo.png' },
        { membershipType: 'x', membershipId: '1' },
      ],
      primaryMembershipId: '4611686018470749805',
      bungieNetUser: { membershipId: '16836679', uniqueName: '16836679', displayName: 'joshmcsquash', cachedBungieGlobalDisplayName: 'Josh', cachedBungieGlobalDisplayNameCode: 42, profilePicturePath: '/img/profile/avatars/cc21.jpg', about: '' },
    });
    expect(profileClaims!(body)).toEqual({
      membership_id: '16836679',
      name: 'Josh#0042',
      preferred_username: 'Josh#0042',
      picture: 'https://www.bungie.net/img/profile/avatars/cc21.jpg',
      destiny_memberships: [{ membershipType: 3, membershipId: '4611686018470749805', displayName: 'Josh' }],
      primary_membership_id: '4611686018470749805',
    });
  });

  it('without a Bungie Name the display name is the name; no Destiny membership is an empty list', () => {
    expect(profileClaims!(answer({ destinyMemberships: [], bungieNetUser: { membershipId: '7', displayName: 'Guardian' } }))).toEqual({ membership_id: '7', name: 'Guardian', preferred_username: 'Guardian', destiny_memberships: [] });
  });

  it('an error answer, or a membership id that is not an int64, names no one', () => {
    expect(profileClaims!({ ErrorCode: 99, ErrorStatus: 'WebAuthRequired', Message: 'Please sign-in to continue.' })).toBeUndefined();
    expect(profileClaims!(answer({ bungieNetUser: { membershipId: 'abc' } }))).toBeUndefined();
    expect(profileClaims!(answer({ bungieNetUser: { membershipId: '0' } }))).toBeUndefined();
    expect(profileClaims!(answer({ destinyMemberships: [] }))).toBeUndefined();
  });
});

describe('bungie settings: the API key on every call', () => {
  it('sends BUNGIE_X_API_KEY as X-API-Key, which a caller cannot change, asks for no scope, and sends the client in the form', () => {
    expect(settings).toMatchObject({ apiHeaders: { 'x-api-key': API_KEY }, fixedApiHeaders: ['x-api-key'], scope: '', tokenEndpointAuthMethod: 'client_secret_post', refreshTokenIdleSeconds: 7_776_000 });
  });

  it('BUNGIE_X_API_KEY is required, and checked', () => {
    const env = { BUNGIE_PRESET: 'bungie', BUNGIE_CLIENT_ID: '45678', BUNGIE_CLIENT_SECRET: 'a.secret-value' };
    expect(() => providerSettings(env, 'bungie', true)).toThrow(/BUNGIE_X_API_KEY is missing \(the bungie preset needs it\)/);
    expect(() => providerSettings({ ...env, BUNGIE_X_API_KEY: 'has spaces in it' }, 'bungie', true)).toThrow(/BUNGIE_X_API_KEY must be the API key as the provider shows it/);
    expect(providerSettings({ ...env, BUNGIE_X_API_KEY: API_KEY }, 'bungie', true).apiHeaders).toEqual({ 'x-api-key': API_KEY });
  });

  it('a preset that takes no API key refuses one, and is not confused by the <NAME>_API_KEY SDKs read from the environment', () => {
    const github = { GITHUB_PRESET: 'github', GITHUB_CLIENT_ID: 'id', GITHUB_CLIENT_SECRET: 's' };
    expect(() => providerSettings({ ...github, GITHUB_X_API_KEY: API_KEY }, 'github', true)).toThrow(/GITHUB_X_API_KEY is not used by the github preset/);
    expect(providerSettings({ ...github, GITHUB_API_KEY: API_KEY }, 'github', true).apiHeaders).not.toHaveProperty('x-api-key');
  });
});
