import { describe, expect, it } from 'vitest';
import { klaviyo, KLAVIYO_REVISION } from './klaviyo.js';

const settings = klaviyo.settings({});
const { profileClaims } = settings.hooks!;

describe('klaviyo settings', () => {
  it('sends the revision header with every API call, which a caller of the proxies may name itself', () => {
    expect(settings.apiHeaders).toEqual({ revision: KLAVIYO_REVISION });
    expect(settings.proxyHeaders?.request).toContain('revision');
    expect(settings.fixedApiHeaders ?? []).not.toContain('revision');
  });

  it('token traffic goes to a.klaviyo.com, which Klaviyo requires, with Basic credentials as they are', () => {
    expect(new URL(settings.endpoints!.tokenEndpoint!).host).toBe('a.klaviyo.com');
    expect(new URL(settings.endpoints!.revocationEndpoint!).host).toBe('a.klaviyo.com');
    expect(settings).toMatchObject({ tokenEndpointAuthMethod: 'client_secret_basic', basicCredentials: 'plain' });
    expect(settings.pkce).not.toBe(false);
  });
});

describe('klaviyo profileClaims: the account of /api/accounts', () => {
  const account = (attributes: unknown, id: unknown = '4RnTwP') => ({ data: [{ type: 'account', id, attributes, links: { self: `https://a.klaviyo.com/api/accounts/${String(id)}` } }], links: { self: 'https://a.klaviyo.com/api/accounts' } });

  it('takes the id, the organization name and the default sender address', () => {
    const body = account({ test_account: false, contact_information: { default_sender_name: 'Klaviyo Demo', default_sender_email: 'contact@klaviyo-demo.com', organization_name: 'Klaviyo Demo' }, timezone: 'US/Eastern' });
    expect(profileClaims!(body)).toEqual({ id: '4RnTwP', organization_name: 'Klaviyo Demo', default_sender_email: 'contact@klaviyo-demo.com' });
  });

  it('leaves out an empty name and address, and never makes the sender address an e-mail claim', () => {
    const claims = profileClaims!(account({ contact_information: { default_sender_email: ' ', organization_name: ' Acme ' } }));
    expect(claims).toEqual({ id: '4RnTwP', organization_name: 'Acme' });
    expect(profileClaims!(account({}))).toEqual({ id: '4RnTwP' });
    expect(claims).not.toHaveProperty('email');
  });

  it.each([[account({}, '')], [account({}, 42)], [{ data: [] }], [{ data: null }], [{ id: '4RnTwP' }], [null], ['4RnTwP']])('finds no account in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
