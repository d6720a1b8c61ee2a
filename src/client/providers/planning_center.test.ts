import { describe, expect, it } from 'vitest';
import { planning_center } from './planning_center.js';

const settings = planning_center.settings({});
const { profileClaims } = settings.hooks!;

const me = (person: Record<string, unknown>, included: unknown[] = [{ type: 'Organization', id: '217', attributes: { name: 'Grace Community Church' } }]) => ({ data: { type: 'Person', ...person }, included, meta: {} });

describe('planning_center settings', () => {
  it('signs in and reads the Current API at api.planningcenteronline.com, asks people, sends the client in the form, no PKCE, no revocation', () => {
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://api.planningcenteronline.com/oauth/authorize',
        tokenEndpoint: 'https://api.planningcenteronline.com/oauth/token',
        userinfoEndpoint: 'https://api.planningcenteronline.com/current/v2/me?include=organization',
      },
      apiBaseUrl: 'https://api.planningcenteronline.com',
      scope: 'people',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(planning_center.values).toBeUndefined();
    expect(settings.endpoints?.revocationEndpoint).toBeUndefined();
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('planning_center profileClaims: the Person of /current/v2/me with its Organization', () => {
  it('qualifies the person id by the organization id and takes the names, the e-mail and the organization name', () => {
    expect(
      profileClaims!(me({ id: '48000101', attributes: { email: ' ada@grace.test ', first_name: 'Ada', last_name: 'Lovelace' }, relationships: { organization: { data: { type: 'Organization', id: '217' } } } })),
    ).toEqual({ id: '48000101@217', person_id: '48000101', organization_id: '217', name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@grace.test', organization: 'Grace Community Church' });
  });

  it('takes the organization of the relationship, or the one included, and leaves out what is empty', () => {
    expect(profileClaims!(me({ id: '7', attributes: { first_name: '', last_name: 'Hopper', email: null } }, [{ type: 'Organization', id: '9' }]))).toEqual({ id: '7@9', person_id: '7', organization_id: '9', name: 'Hopper', family_name: 'Hopper' });
    expect(profileClaims!(me({ id: '7', relationships: { organization: { data: { type: 'Organization', id: '9' } } } }, []))).toEqual({ id: '7@9', person_id: '7', organization_id: '9' });
    expect(profileClaims!(me({ id: '7', relationships: { organization: { data: { type: 'Organization', id: '9' } } } }, [{ type: 'Organization', id: '10', attributes: { name: 'Other' } }]))).toEqual({ id: '7@9', person_id: '7', organization_id: '9' });
  });

  it.each([
    [me({ attributes: { first_name: 'Ada' } })],
    [me({ id: 42 })],
    [me({ id: ' ' })],
    [me({ id: '7' }, [])],
    [{ data: { type: 'Organization', id: '7' }, included: [{ type: 'Organization', id: '9' }] }],
    [{ errors: [{ status: '401', title: 'Unauthorized' }] }],
    [null],
    [[{ id: '7' }]],
  ])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
