import { describe, expect, it } from 'vitest';
import { freee } from './freee.js';

const settings = freee.settings({});
const { profileClaims, tokenAnswerClaims } = settings.hooks!;

describe('freee profileClaims: the user inside /api/1/users/me’s { user }', () => {
  it('reads the user ID as text, the display name, the names and the e-mail', () => {
    const user = { id: 1234, email: 'taro@example.jp', display_name: ' フリー太郎 ', first_name: '太郎', last_name: 'フリー', first_name_kana: 'タロウ', last_name_kana: 'フリー' };
    expect(profileClaims!({ user })).toEqual({ id: '1234', name: 'フリー太郎', given_name: '太郎', family_name: 'フリー', email: 'taro@example.jp' });
  });

  it('without a display name, the family then the given name is the name; null names are left out', () => {
    expect(profileClaims!({ user: { id: 7, email: 'a@example.jp', display_name: null, first_name: '花子', last_name: '山田' } })).toEqual({ id: '7', name: '山田 花子', given_name: '花子', family_name: '山田', email: 'a@example.jp' });
    expect(profileClaims!({ user: { id: 8, email: 'b@example.jp', display_name: null, first_name: null, last_name: null } })).toEqual({ id: '8', email: 'b@example.jp' });
  });

  it('names no one without a positive integer id, or when the user is not inside `user`', () => {
    expect(profileClaims!({ user: { email: 'a@example.jp' } })).toBeUndefined();
    expect(profileClaims!({ user: { id: '12' } })).toBeUndefined();
    expect(profileClaims!({ user: { id: 0 } })).toBeUndefined();
    expect(profileClaims!({ user: { id: 2.5 } })).toBeUndefined();
    expect(profileClaims!({ id: 12, email: 'a@example.jp' })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});

describe('freee tokenAnswerClaims: the company picked on the authorization page', () => {
  it('keeps company_id (a number or its text) and external_cid as text, never a token', () => {
    expect(tokenAnswerClaims!({ access_token: 'a', refresh_token: 'r', token_type: 'bearer', expires_in: 21600, scope: 'read write', company_id: 123, external_cid: 'xyz' })).toEqual({ company_id: '123', external_cid: 'xyz' });
    expect(tokenAnswerClaims!({ access_token: 'a', company_id: ' 123 ' })).toEqual({ company_id: '123' });
  });

  it('keeps nothing when the answer names no company', () => {
    expect(tokenAnswerClaims!({ access_token: 'a' })).toEqual({});
    expect(tokenAnswerClaims!({ access_token: 'a', company_id: 1.5, external_cid: 42 })).toEqual({});
  });
});

describe('freee settings', () => {
  it('asks no scope, sends prompt=select_company and no PKCE, and puts the client in the form', () => {
    expect(settings).toMatchObject({ scope: '', authorizationParams: { prompt: 'select_company' }, pkce: false, tokenEndpointAuthMethod: 'client_secret_post', subjectClaim: 'id' });
  });
});
