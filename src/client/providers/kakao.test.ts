import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { kakao } from './kakao.js';

const settings = kakao.settings({});
const { authorizationScope, profileClaims, revoke } = settings.hooks!;

describe('kakao settings', () => {
  it('asks for no scope (the consent items set on the app), reads /v2/user/me on the API, and revokes through the API', () => {
    expect(settings.scope).toBe('');
    expect(settings.endpoints?.userinfoEndpoint).toBe('https://kapi.kakao.com/v2/user/me?secure_resource=true');
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.apiBaseUrl).toBe('https://kapi.kakao.com');
  });

  it('sends scopes comma-joined, as Kakao takes consent item ids', () => {
    expect(authorizationScope!('profile_nickname account_email')).toBe('profile_nickname,account_email');
  });
});

describe('kakao profileClaims: the person of /v2/user/me', () => {
  const person = {
    id: 3_141_592_653,
    connected_at: '2026-11-30T01:02:03Z',
    properties: { nickname: 'old nickname', profile_image: 'http://k.kakaocdn.net/old.jpg' },
    kakao_account: {
      profile_nickname_needs_agreement: false,
      profile: { nickname: '라이언', profile_image_url: 'https://k.kakaocdn.net/dn/ryan.jpg', is_default_image: false },
      has_email: true,
      email_needs_agreement: false,
      is_email_valid: true,
      is_email_verified: true,
      email: 'ryan@example.com',
    },
  };

  it('takes the id as its digits, the nickname, the picture and the e-mail verified when valid and verified', () => {
    expect(profileClaims!(person)).toEqual({
      id: '3141592653',
      name: '라이언',
      picture: 'https://k.kakaocdn.net/dn/ryan.jpg',
      email: 'ryan@example.com',
      email_verified: true,
      connected_at: '2026-11-30T01:02:03Z',
    });
  });

  it('an e-mail no longer valid, or not verified, is unverified', () => {
    expect(profileClaims!({ ...person, kakao_account: { ...person.kakao_account, is_email_valid: false } })).toMatchObject({ email: 'ryan@example.com', email_verified: false });
    expect(profileClaims!({ ...person, kakao_account: { ...person.kakao_account, is_email_verified: false } })).toMatchObject({ email_verified: false });
  });

  it('without consent to the profile or e-mail: the properties, or the id alone', () => {
    expect(profileClaims!({ id: 42, properties: { nickname: 'Muzi', profile_image: 'https://k.kakaocdn.net/muzi.jpg' }, kakao_account: { email_needs_agreement: true } })).toEqual({ id: '42', name: 'Muzi', picture: 'https://k.kakaocdn.net/muzi.jpg' });
    expect(profileClaims!({ id: 42 })).toEqual({ id: '42' });
  });

  it.each([[{ id: '3141592653' }], [{ id: 2 ** 53 }], [{ id: 1.5 }], [{ id: 0 }], [{ kakao_account: person.kakao_account }], [null], [[person]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('kakao revoke: unlink at /v1/user/unlink with the access token', () => {
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status, status === 200 ? { id: 3_141_592_653 } : { msg: 'this access token does not exist', code: -401 }), { apiBaseUrl: 'https://kapi.kakao.com/', ...state });

  it('200 is revoked; a POST with the access token as Bearer', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://kapi.kakao.com/v1/user/unlink');
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers.authorization).toBe('Bearer live');
  });

  it('its answer is read by revokeWithBearer: a 401 to a live token is already revoked, a 503 a fault of Kakao', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error', message: 'Kakao answered HTTP 503 to the unlink request.' });
  });
});
