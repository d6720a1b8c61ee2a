import { describe, expect, it } from 'vitest';
import { eveonline } from './eveonline.js';

const CLIENT_ID = '3f9c2a7d1b8e4c6fa0d5e2b7c4a19f83';
const { tokenResponseProfile } = eveonline.settings({}, { clientId: CLIENT_ID }).hooks!;

/** An unsigned JWT with these claims: the hooks read the claims, never the signature. */
const jwt = (claims: Record<string, unknown>) => `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

const character = {
  scp: ['esi-wallet.read_character_wallet.v1', 'esi-skills.read_skills.v1'],
  sub: 'CHARACTER:EVE:2112625428',
  azp: CLIENT_ID,
  aud: [CLIENT_ID, 'EVE Online'],
  name: 'Rixx Javix',
  owner: '8PmzCeTKb4VFUDrHLc/AeZXDSWM=',
  iss: 'login.eveonline.com',
  exp: 1648563218,
};

describe('eveonline tokenResponseProfile: the character the access token names', () => {
  it('keys the character on its id and owner hash, with its name; the issuer may be the host name or the URL', () => {
    const expected = { character_ownership: '2112625428:8PmzCeTKb4VFUDrHLc/AeZXDSWM=', character_id: 2112625428, owner_hash: '8PmzCeTKb4VFUDrHLc/AeZXDSWM=', name: 'Rixx Javix' };
    expect(tokenResponseProfile!({ access_token: jwt(character) })).toEqual(expected);
    expect(tokenResponseProfile!({ access_token: jwt({ ...character, iss: 'https://login.eveonline.com' }) })).toEqual(expected);
    expect(tokenResponseProfile!({ access_token: jwt({ ...character, aud: undefined }) })).toEqual(expected);
  });

  it("names no one for another issuer, another client's token, a subject that is not a character, or no owner hash", () => {
    for (const claims of [
      { ...character, iss: 'sisilogin.testeveonline.com' },
      { ...character, aud: ['another-client', 'EVE Online'], azp: 'another-client' },
      { ...character, sub: 'CORPORATION:EVE:98000001' },
      { ...character, owner: '' },
    ]) {
      expect(tokenResponseProfile!({ access_token: jwt(claims) })).toBeUndefined();
    }
    expect(tokenResponseProfile!({ access_token: 'opaque' })).toBeUndefined();
  });

  it('takes the issuer of the SSO configured through BASE_URL (Singularity), and no longer that of Tranquility', () => {
    const singularity = eveonline.settings({ baseUrl: 'https://sisilogin.testeveonline.com/' }, { clientId: CLIENT_ID });
    expect(singularity.endpoints).toEqual({
      authorizationEndpoint: 'https://sisilogin.testeveonline.com/v2/oauth/authorize',
      tokenEndpoint: 'https://sisilogin.testeveonline.com/v2/oauth/token',
      revocationEndpoint: 'https://sisilogin.testeveonline.com/v2/oauth/revoke',
    });
    const profile = singularity.hooks!.tokenResponseProfile!;
    expect(profile({ access_token: jwt({ ...character, iss: 'sisilogin.testeveonline.com' }) })).toMatchObject({ character_id: 2112625428 });
    expect(profile({ access_token: jwt(character) })).toBeUndefined();
  });
});
