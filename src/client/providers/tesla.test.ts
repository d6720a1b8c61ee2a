import { describe, expect, it } from 'vitest';
import { tesla } from './tesla.js';
import { profileReader } from '../../../test/support/profile-reader.js';

const settings = tesla.settings({});
const { profileClaims, readMoreClaims } = settings.hooks!;

describe('tesla profileClaims: /api/1/users/me', () => {
  it('takes vault_uuid, full_name as the name, the e-mail and the picture from `response`', () => {
    expect(
      profileClaims!({ response: { email: 'ada@example.com', full_name: 'Ada Lovelace', profile_image_url: 'https://files.example/p.jpg', vault_uuid: 'b5c443af-a286-49eb-a4ad-35a97963155d' } }),
    ).toEqual({ vault_uuid: 'b5c443af-a286-49eb-a4ad-35a97963155d', name: 'Ada Lovelace', email: 'ada@example.com', picture: 'https://files.example/p.jpg' });
  });

  it('leaves out empty or missing members', () => {
    expect(profileClaims!({ response: { vault_uuid: 'v-1', full_name: ' ', email: null } })).toEqual({ vault_uuid: 'v-1' });
  });

  it('names no one without a vault_uuid string, or without `response`', () => {
    expect(profileClaims!({ response: { email: 'ada@example.com', full_name: 'Ada' } })).toBeUndefined();
    expect(profileClaims!({ response: { vault_uuid: 42 } })).toBeUndefined();
    expect(profileClaims!({ vault_uuid: 'v-1' })).toBeUndefined();
    expect(profileClaims!(null)).toBeUndefined();
  });
});

describe('tesla readMoreClaims: the region of /api/1/users/region', () => {
  const reader = (answer: unknown, apiBaseUrl: string | null = 'https://fleet-api.prd.na.vn.cloud.tesla.com/') => profileReader(() => answer, { apiBaseUrl: apiBaseUrl ?? undefined });

  it("asks the configured base for the person's region, and answers its name and Fleet API base", async () => {
    const { value, asked } = reader({ response: { region: 'eu', fleet_api_base_url: 'https://fleet-api.prd.eu.vn.cloud.tesla.com' } });
    expect(await readMoreClaims!(value)).toEqual({ region: 'eu', fleet_api_base_url: 'https://fleet-api.prd.eu.vn.cloud.tesla.com' });
    expect(asked).toEqual(['https://fleet-api.prd.na.vn.cloud.tesla.com/api/1/users/region']);
  });

  it('answers nothing for an answer that names no base (403/404 read as undefined, another shape), or without an API base', async () => {
    expect(await readMoreClaims!(reader(undefined).value)).toEqual({});
    expect(await readMoreClaims!(reader({ region: 'na', fleet_api_base_url: 'https://x.example' }).value)).toEqual({});
    expect(await readMoreClaims!(reader({ response: { region: 'na', fleet_api_base_url: 7 } }).value)).toEqual({ region: 'na' });
    const none = reader({ response: { fleet_api_base_url: 'https://fleet-api.prd.na.vn.cloud.tesla.com' } }, null);
    expect(await readMoreClaims!(none.value)).toEqual({});
    expect(none.asked).toEqual([]);
  });
});

describe('tesla settings', () => {
  it('asks for openid and offline_access beside the data scopes, sends PKCE, does not rely on the ID token, and reads the profile at the region users/region names', () => {
    expect(settings.scope!.split(' ')).toEqual(expect.arrayContaining(['openid', 'offline_access', 'vehicle_device_data']));
    expect(settings.pkce).not.toBe(false);
    expect(settings.idTokenUnused).toBe(true);
    // No userinfo endpoint: the profile is read at the person's own region's base, once users/region named it.
    expect(settings.endpoints!.userinfoEndpoint).toBeUndefined();
    expect(settings.connectionApiBase).toEqual({
      profileMember: 'fleet_api_base_url',
      domains: ['fleet-api.prd.na.vn.cloud.tesla.com', 'fleet-api.prd.eu.vn.cloud.tesla.com', 'fleet-api.prd.cn.vn.cloud.tesla.cn'],
      userinfoPath: '/api/1/users/me',
    });
  });
});
