import { describe, expect, it } from 'vitest';
import { alibaba_cloud } from './alibaba_cloud.js';

const settings = alibaba_cloud.settings({});
const { profileClaims } = settings.hooks!;

describe('alibaba_cloud settings', () => {
  it('discovers the China site, names its user info, asks openid aliuid profile with access_type=offline, the client in the form', () => {
    expect(settings.discovery).toEqual({ issuer: 'https://oauth.aliyun.com' });
    expect(settings.metadataOverrides).toEqual({ userinfoEndpoint: 'https://oauth.aliyun.com/v1/userinfo' });
    expect(settings.scope).toBe('openid aliuid profile');
    expect(settings.authorizationParams).toEqual({ access_type: 'offline' });
    expect(settings.tokenEndpointAuthMethod).toBe('client_secret_post');
    expect(settings.apiBaseUrl).toBe('https://oauth.aliyun.com/v1');
    expect(settings.idTokenUnused).toBeUndefined();
    expect(settings.subjectClaim).toBeUndefined();
  });
});

describe('alibaba_cloud profileClaims: /v1/userinfo', () => {
  it("takes an Alibaba Cloud account's sub, display name, login_name and UIDs", () => {
    const body = { sub: '1234567890123456', name: 'alice', login_name: 'alice@example.com', aid: '1234567890123456', uid: '1234567890123456' };
    expect(profileClaims!(body)).toEqual({ sub: '1234567890123456', name: 'alice', preferred_username: 'alice@example.com', uid: '1234567890123456', aid: '1234567890123456' });
  });

  it("takes a RAM user's upn as the username, and its own uid beside the account's aid", () => {
    const body = { sub: '2345678901234567', name: 'Bob', upn: 'bob@acme.onaliyun.com', aid: '1234567890123456', uid: '2345678901234567' };
    expect(profileClaims!(body)).toEqual({ sub: '2345678901234567', name: 'Bob', preferred_username: 'bob@acme.onaliyun.com', uid: '2345678901234567', aid: '1234567890123456' });
    expect(profileClaims!({ sub: '3', upn: ' ', login_name: 'carol' })).toEqual({ sub: '3', preferred_username: 'carol' });
  });

  it.each([[{ name: 'No Sub' }], [{ sub: '' }], [{ sub: 42 }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
