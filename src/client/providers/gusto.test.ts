import { describe, expect, it } from 'vitest';
import { gusto } from './gusto.js';

const production = gusto.settings({});
const demo = gusto.settings({ baseUrl: 'https://api.gusto-demo.com/' });
const { tokenRequest, profileClaims } = production.hooks!;

describe('gusto settings: api.gusto.com, or the demo environment through the base URL', () => {
  it('makes the endpoints and the API base from the host, with no scope and no PKCE', () => {
    expect(production).toMatchObject({
      endpoints: { authorizationEndpoint: 'https://api.gusto.com/oauth/authorize', tokenEndpoint: 'https://api.gusto.com/oauth/token', userinfoEndpoint: 'https://api.gusto.com/v1/token_info' },
      apiBaseUrl: 'https://api.gusto.com',
      scope: '',
      pkce: false,
      proxyHeaders: { request: ['x-gusto-api-version'], response: [] },
    });
    expect(production.refreshTokenIdleSeconds).toBeUndefined();
    expect(demo.endpoints).toEqual({ authorizationEndpoint: 'https://api.gusto-demo.com/oauth/authorize', tokenEndpoint: 'https://api.gusto-demo.com/oauth/token', userinfoEndpoint: 'https://api.gusto-demo.com/v1/token_info' });
    expect(demo.apiBaseUrl).toBe('https://api.gusto-demo.com');
  });
});

describe('gusto tokenRequest: the form as the JSON Gusto documents', () => {
  it('sends every field as JSON, with its content type and the other headers as they were', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r', client_id: 'c', client_secret: 's' });
    const sent = tokenRequest!({ body, headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } });
    expect(sent.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' });
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'r', client_id: 'c', client_secret: 's' });
  });
});

describe('gusto profileClaims: the resource owner of /v1/token_info', () => {
  it('takes the resource owner’s uuid, keeping the company beside it', () => {
    const info = { scope: 'companies:read employees:read', resource: { type: 'Company', uuid: 'c0-company' }, resource_owner: { type: 'CompanyAdmin', uuid: 'u1-admin' } };
    expect(profileClaims!(info)).toEqual({ id: 'u1-admin', resource_owner_type: 'CompanyAdmin', resource: { type: 'Company', uuid: 'c0-company' }, company_uuid: 'c0-company', scope: 'companies:read employees:read' });
  });

  it('keeps a resource that is not a company without naming it the company', () => {
    expect(profileClaims!({ resource: { type: 'Employee', uuid: 'e1' }, resource_owner: { type: 'Employee', uuid: 'e1' } })).toEqual({ id: 'e1', resource_owner_type: 'Employee', resource: { type: 'Employee', uuid: 'e1' } });
  });

  it.each([[{ resource: { type: 'Company', uuid: 'c' } }], [{ resource_owner: { type: 'CompanyAdmin', uuid: '' } }], [{ resource_owner: null }], [null], [[]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
