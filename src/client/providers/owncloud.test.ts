import { describe, expect, it } from 'vitest';
import { owncloud } from './owncloud.js';

const settings = owncloud.settings({ baseUrl: 'https://cloud.example.com/oc/' });
const { profileClaims } = settings.hooks!;

describe('owncloud settings', () => {
  it("needs the server's URL; the OAuth2 app's endpoints and the OCS user are under it, the API base is the server, no scope, the client as Basic, no PKCE", () => {
    expect(owncloud.values).toEqual({ baseUrl: 'required' });
    expect(settings).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://cloud.example.com/oc/index.php/apps/oauth2/authorize',
        tokenEndpoint: 'https://cloud.example.com/oc/index.php/apps/oauth2/api/v1/token',
        userinfoEndpoint: 'https://cloud.example.com/oc/ocs/v1.php/cloud/user?format=json',
      },
      scope: '',
      apiBaseUrl: 'https://cloud.example.com/oc',
      apiHeaders: { 'ocs-apirequest': 'true' },
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      pkce: false,
      subjectClaim: 'id',
    });
    expect(settings.endpoints).not.toHaveProperty('revocationEndpoint');
    expect(settings.hooks?.revoke).toBeUndefined();
  });
});

describe('owncloud profileClaims: ocs.data of /cloud/user', () => {
  const ocs = (data: unknown) => ({ ocs: { meta: { status: 'ok', statuscode: 100, message: 'OK' }, data } });

  it("qualifies the user id by the server's host, and takes the display name and the e-mail, not verified", () => {
    expect(profileClaims!(ocs({ id: 'ada', 'display-name': ' Ada Lovelace ', email: 'ada@example.com' }))).toEqual({ id: 'ada@cloud.example.com', user_id: 'ada', name: 'Ada Lovelace', email: 'ada@example.com', email_verified: false });
    expect(profileClaims!(ocs({ id: 'grace', displayname: 'Grace Hopper', email: null }))).toEqual({ id: 'grace@cloud.example.com', user_id: 'grace', name: 'Grace Hopper' });
  });

  it('keeps the port of a server that has one in the qualifier', () => {
    const hooks = owncloud.settings({ baseUrl: 'http://localhost:8080' }).hooks!;
    expect(hooks.profileClaims!(ocs({ id: 'admin' }))).toEqual({ id: 'admin@localhost:8080', user_id: 'admin' });
  });

  it.each([[ocs({ 'display-name': 'No Id' })], [ocs({ id: '' })], [ocs({ id: ' ' })], [ocs({ id: 7 })], [ocs([])], [{ id: 'ada' }], [null]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});
