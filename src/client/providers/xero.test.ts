import { describe, expect, it } from 'vitest';
import { xero } from './xero.js';
import { profileReader } from '../../../test/support/profile-reader.js';

const { readMoreClaims } = xero.settings({}).hooks!;

/** A reader whose getJson answers `body` (undefined: Xero answered 403 or 404), recording the URLs asked; `null`: no API base. */
function reader(body: unknown, base: string | null = 'https://api.xero.com/') {
  return profileReader(() => body, { userinfoEndpoint: 'https://identity.xero.com/connect/userinfo', apiBaseUrl: base ?? undefined });
}

describe('xero readMoreClaims: the tenants of GET /connections as xero_tenants', () => {
  it('keeps each connection’s id, tenantId, tenantName and tenantType, from the API base in use', async () => {
    const { value, asked } = reader([
      { id: 'c-1', authEventId: 'e-1', tenantId: 't-1', tenantName: 'Demo Company (NZ)', tenantType: 'ORGANISATION', createdDateUtc: '2019-12-07T18:46:19.5165400' },
      { id: 'c-2', tenantId: 't-2', tenantType: 'PRACTICE' },
    ]);
    expect(await readMoreClaims!(value)).toEqual({
      xero_tenants: [
        { id: 'c-1', tenantId: 't-1', tenantName: 'Demo Company (NZ)', tenantType: 'ORGANISATION' },
        { id: 'c-2', tenantId: 't-2', tenantName: null, tenantType: 'PRACTICE' },
      ],
    });
    expect(asked).toEqual(['https://api.xero.com/connections']);
  });

  it('no tenants is an empty list; a 403 or 404, or no API base, adds nothing', async () => {
    expect(await readMoreClaims!(reader([]).value)).toEqual({ xero_tenants: [] });
    expect(await readMoreClaims!(reader(undefined).value)).toEqual({});
    const none = reader([], null);
    expect(await readMoreClaims!(none.value)).toEqual({});
    expect(none.asked).toEqual([]);
  });

  it('anything but a list of connections with ids is provider_bad_response', async () => {
    for (const body of [null, {}, { tenants: [] }, [null], [{ id: 'c-1' }], [{ tenantId: 't-1' }], [{ id: 1, tenantId: 't-1' }]]) {
      await expect(readMoreClaims!(reader(body).value)).rejects.toMatchObject({ code: 'provider_bad_response', message: 'Xero did not answer GET /connections with a list of connections.' });
    }
  });
});
