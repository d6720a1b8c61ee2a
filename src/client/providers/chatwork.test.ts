import { describe, expect, it } from 'vitest';
import { chatwork } from './chatwork.js';

const settings = chatwork.settings({});
const { profileClaims } = settings.hooks!;

describe('chatwork profileClaims: the account of /v2/me', () => {
  it('reads the account_id as text, the name, the Chatwork ID, the picture and the login e-mail', () => {
    const body = { account_id: 123, room_id: 322, name: ' John Smith ', chatwork_id: 'tarochatworkid', organization_id: 101, mail: 'taro@example.com', avatar_image_url: 'https://example.com/abc.png', login_mail: 'account@example.com' };
    expect(profileClaims!(body)).toEqual({ account_id: '123', name: 'John Smith', preferred_username: 'tarochatworkid', picture: 'https://example.com/abc.png', email: 'account@example.com' });
  });

  it('without a login e-mail, the profile’s mail is the e-mail; empty members are left out', () => {
    expect(profileClaims!({ account_id: 7, name: 'Ada', chatwork_id: '', mail: 'ada@example.com', login_mail: '' })).toEqual({ account_id: '7', name: 'Ada', email: 'ada@example.com' });
    expect(profileClaims!({ account_id: 8 })).toEqual({ account_id: '8' });
  });

  it('names no one without a positive integer account_id', () => {
    expect(profileClaims!({ name: 'Ada', chatwork_id: 'ada' })).toBeUndefined();
    expect(profileClaims!({ account_id: '12' })).toBeUndefined();
    expect(profileClaims!({ account_id: 0 })).toBeUndefined();
    expect(profileClaims!({ account_id: 1.5 })).toBeUndefined();
    expect(profileClaims!([])).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});

describe('chatwork settings', () => {
  it('asks users.profile.me:read and offline_access, sends the client as HTTP Basic and keeps PKCE on', () => {
    expect(settings.scope).toBe('users.profile.me:read offline_access');
    expect(settings.tokenEndpointAuthMethod).toBe('client_secret_basic');
    expect(settings.pkce).not.toBe(false);
    expect(settings.subjectClaim).toBe('account_id');
  });
});
