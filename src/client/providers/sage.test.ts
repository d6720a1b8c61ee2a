import { describe, expect, it } from 'vitest';
import type { RevocationRequest } from '../provider-hooks.js';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { sage } from './sage.js';
import { profileReader } from '../../../test/support/profile-reader.js';

const settings = sage.settings({});
const { profileClaims, readMoreClaims, revoke } = settings.hooks!;

describe('sage profileClaims: /user', () => {
  it('takes the id, the first and last names (joined as the name) and the e-mail', () => {
    expect(profileClaims!({ id: 'c3c32d1c-41ba-483f-a3ff-49fdb57b9c38', displayed_as: 'Jane Smith', first_name: 'Jane', last_name: 'Smith', email: 'jane@example.com', locale: 'en-GB' })).toEqual({
      id: 'c3c32d1c-41ba-483f-a3ff-49fdb57b9c38',
      given_name: 'Jane',
      family_name: 'Smith',
      name: 'Jane Smith',
      email: 'jane@example.com',
    });
  });

  it('leaves out empty names and e-mail', () => {
    expect(profileClaims!({ id: 'u1', first_name: ' ', last_name: 'Solo', email: '' })).toEqual({ id: 'u1', family_name: 'Solo', name: 'Solo' });
  });

  it.each([[{ email: 'a@b.c' }], [{ id: 42 }], [{ id: ' ' }], [null], [[{ id: 'u1' }]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('sage readMoreClaims: the businesses of /businesses', () => {
  const API = 'https://api.accounting.sage.com/v3.1/';
  const reader = (body: unknown, apiBaseUrl: string | undefined) => {
    const { value, asked } = profileReader(() => body, { apiBaseUrl });
    return { value, urls: asked };
  };

  it("keeps each business's id and name from the page's $items", async () => {
    const page = {
      $total: 2,
      $page: 1,
      $next: null,
      $back: null,
      $items_per_page: 2147483647,
      $items: [
        { displayed_as: 'Business One', id: '0d40342d0287cd6b13555c54afca6c90', $path: '/businesses/0d40342d0287cd6b13555c54afca6c90' },
        { id: '7a1e0c7f0b2c4d1e9f3a5b6c7d8e9f00', $path: '/businesses/7a1e0c7f0b2c4d1e9f3a5b6c7d8e9f00' },
      ],
    };
    const { value, urls } = reader(page, API);
    expect(await readMoreClaims!(value)).toEqual({
      sage_businesses: [
        { id: '0d40342d0287cd6b13555c54afca6c90', name: 'Business One' },
        { id: '7a1e0c7f0b2c4d1e9f3a5b6c7d8e9f00', name: null },
      ],
    });
    expect(urls).toEqual(['https://api.accounting.sage.com/v3.1/businesses?items_per_page=200']);
  });

  it('reads every page, 200 businesses a page, following $next while it names a page of /businesses, at most 10 pages', async () => {
    const business = (n: number) => ({ id: `b${String(n).padStart(31, '0')}`, displayed_as: `Business ${n}`, $path: `/businesses/b${n}` });
    const pageOf = (page: number, next: string | null) => ({ $page: page, $next: next, $items: [business(page * 2 - 1), business(page * 2)] });
    const two = profileReader((url) => (url.endsWith('page=2&items_per_page=200') ? pageOf(2, null) : pageOf(1, '/businesses?page=2&items_per_page=200')), { apiBaseUrl: API });
    expect(((await readMoreClaims!(two.value)) as { sage_businesses: unknown[] }).sage_businesses).toHaveLength(4);
    expect(two.asked).toEqual([`${API}businesses?items_per_page=200`, `${API}businesses?page=2&items_per_page=200`]);
    // A $next off the collection is not followed: the token goes to the businesses' pages only.
    const elsewhere = profileReader(() => pageOf(1, '/contacts?page=2'), { apiBaseUrl: API });
    expect(((await readMoreClaims!(elsewhere.value)) as { sage_businesses: unknown[] }).sage_businesses).toHaveLength(2);
    expect(elsewhere.asked).toHaveLength(1);
    // A collection that never ends stops at 10 pages.
    let page = 0;
    const endless = profileReader(() => pageOf((page += 1), `/businesses?page=${page + 1}&items_per_page=200`), { apiBaseUrl: API });
    expect(((await readMoreClaims!(endless.value)) as { sage_businesses: unknown[] }).sage_businesses).toHaveLength(20);
    expect(endless.asked).toHaveLength(10);
  });

  it('keeps nothing when the token may not see them (403/404) or there is no API base', async () => {
    expect(await readMoreClaims!(reader(undefined, API).value)).toEqual({});
    const noApi = reader({ $items: [] }, undefined);
    expect(await readMoreClaims!(noApi.value)).toEqual({});
    expect(noApi.urls).toEqual([]);
  });

  it.each([[[{ id: 'b1' }]], [{ $items: [{ displayed_as: 'No id' }] }], [{ $items: 'b1' }], [{}]])('refuses %j as a list of businesses', async (body) => {
    await expect(readMoreClaims!(reader(body, API).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
  });
});

describe('sage revoke: the refresh token at /revoke, the client in the form', () => {
  const endpoint = 'https://oauth.accounting.sage.com/revoke';
  const request = (status: number, state: Partial<RevocationRequest> = {}) => revocationRequest(answer(status, { success: 'ok' }), { revocationEndpoint: endpoint, ...state });

  it('200 is revoked; client_id, client_secret and the refresh token go as a form, the access token not at all', async () => {
    const { value, sent } = request(200);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(endpoint);
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.init.body))).toEqual({ client_id: 'c', client_secret: 's', token: 'refresh' });
  });

  it('once Sage refused the refresh token, the grant is gone: nothing is sent', async () => {
    const { value, sent } = request(200, { accessTokenExpired: true, refreshTokenRefused: true });
    expect(await revoke!(value)).toBe('already_revoked');
    expect(sent).toEqual([]);
  });

  it('other answers fail; without a refresh token or an endpoint nothing is sent', async () => {
    await expect(revoke!(request(400).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
    const none = request(200, { refreshToken: null });
    await expect(revoke!(none.value)).rejects.toThrow('Sage revokes refresh tokens only');
    const noEndpoint = request(200, { revocationEndpoint: undefined });
    await expect(revoke!(noEndpoint.value)).rejects.toThrow('needs the revocation endpoint');
    expect([...none.sent, ...noEndpoint.sent]).toEqual([]);
  });
});
