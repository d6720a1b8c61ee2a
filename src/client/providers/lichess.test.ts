import { describe, expect, it } from 'vitest';
import type { ProfileReader, RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { providerSettings } from '../../config/provider-config.js';
import { lichess } from './lichess.js';

const settings = lichess.settings({});
const { profileClaims, readMoreClaims, revoke } = settings.hooks!;

describe('lichess profileClaims: /api/account', () => {
  it('keeps the id, the username as the name and preferred username, and the profile page; not the ratings or the bio', () => {
    const account = { id: 'bobby', username: 'Bobby', url: 'https://lichess.org/@/Bobby', perfs: { blitz: { rating: 1737 } }, profile: { bio: 'Voltaire' }, patron: true };
    expect(profileClaims!(account)).toEqual({ id: 'bobby', name: 'Bobby', preferred_username: 'Bobby', profile: 'https://lichess.org/@/Bobby' });
  });

  it('leaves out empty members; an answer without a string id names no one', () => {
    expect(profileClaims!({ id: 'solo', username: ' ', url: '' })).toEqual({ id: 'solo' });
    expect(profileClaims!({ username: 'Bobby' })).toBeUndefined();
    expect(profileClaims!({ id: 7 })).toBeUndefined();
    expect(profileClaims!({ id: '  ' })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});

describe('lichess readMoreClaims: /api/account/email', () => {
  const reader = (body: unknown, seen: string[]): ProfileReader => ({
    userinfoEndpoint: 'https://lichess.org/api/account',
    apiBaseUrl: 'https://lichess.org/',
    getJson: async (url) => {
      seen.push(url);
      return body;
    },
  });

  it('reads the e-mail under the API base', async () => {
    const seen: string[] = [];
    expect(await readMoreClaims!(reader({ email: 'abathur@mail.org' }, seen))).toEqual({ email: 'abathur@mail.org' });
    expect(seen).toEqual(['https://lichess.org/api/account/email']);
  });

  it('keeps none when Lichess refuses (a token without email:read) or answers none', async () => {
    expect(await readMoreClaims!(reader(undefined, []))).toEqual({});
    expect(await readMoreClaims!(reader({ email: '' }, []))).toEqual({});
  });
});

describe('lichess revoke: DELETE /api/token', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status), { apiBaseUrl: 'https://lichess.org/', refreshToken: null, ...state });

  it('204 is revoked; the access token goes as Bearer to /api/token', async () => {
    const { value, sent } = request(204);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://lichess.org/api/token');
    expect(sent[0]!.init.method).toBe('DELETE');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
  });

  it('a 401 for a live token is already revoked; for an expired one it proves nothing; other answers fail', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(401, { accessTokenExpired: true }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(403).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(502).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});

describe('lichess configuration: a public client', () => {
  const env = { LICHESS_PRESET: 'lichess', LICHESS_CLIENT_ID: 'tokenkeeper.example.com' };

  it('needs no client secret and authenticates with none', () => {
    expect(providerSettings(env, 'lichess', true)).toMatchObject({ tokenEndpointAuthMethod: 'none', clientSecret: '', apiBaseUrl: 'https://lichess.org' });
  });

  it('a client secret set anyway stops start-up, as Lichess takes none', () => {
    expect(() => providerSettings({ ...env, LICHESS_CLIENT_SECRET: 'a-secret' }, 'lichess', true)).toThrow(/LICHESS_CLIENT_SECRET/);
  });
});
