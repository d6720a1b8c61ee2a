import { describe, expect, it } from 'vitest';
import { answer, revocationRequest } from '../../../test/support/revocation-request.js';
import { attio } from './attio.js';
import { profileReader } from '../../../test/support/profile-reader.js';

const settings = attio.settings({});
const { profileClaims, readMoreClaims, revoke } = settings.hooks!;

const self = {
  active: true,
  scope: 'record_permission:read user_management:read',
  client_id: 'app-1',
  token_type: 'Bearer',
  exp: null,
  iat: 1_700_000_000,
  sub: 'd5a0c4f2-0000-4000-8000-000000000001',
  aud: 'app-1',
  iss: 'attio.com',
  authorized_by_workspace_member_id: '50cf242c-7fa3-4cad-87d0-75b1af71c57b',
  workspace_id: '14beef7a-99f7-4534-a87e-70b564330a4c',
  workspace_name: 'Acme',
  workspace_slug: 'acme',
  workspace_logo_url: null,
};

describe('attio settings', () => {
  it('sends no scope (the app sets them), the client in the form, and revokes at /oauth/revoke', () => {
    expect(settings.scope).toBe('');
    expect(settings.tokenEndpointAuthMethod).toBe('client_secret_post');
    expect(settings.endpoints?.revocationEndpoint).toBe('https://app.attio.com/oauth/revoke');
  });
});

describe('attio profileClaims: the token of /v2/self', () => {
  it('takes the member who installed the app and the workspace, and nothing of the token itself', () => {
    expect(profileClaims!(self)).toEqual({
      authorized_by_workspace_member_id: '50cf242c-7fa3-4cad-87d0-75b1af71c57b',
      workspace_id: '14beef7a-99f7-4534-a87e-70b564330a4c',
      workspace_name: 'Acme',
      workspace_slug: 'acme',
      scope: 'record_permission:read user_management:read',
    });
  });

  it.each([[{ active: false }], [{ ...self, active: false }], [{ ...self, active: 'true' }], [{ ...self, authorized_by_workspace_member_id: null }], [{ ...self, authorized_by_workspace_member_id: '' }], [null], [[self]]])('finds no one in %j', (body) => {
    expect(profileClaims!(body)).toBeUndefined();
  });
});

describe('attio readMoreClaims: the member of /v2/workspace_members/{id}', () => {
  const reader = (answers: Record<string, unknown>, apiBaseUrl: string | null = 'https://api.attio.com/') => profileReader((url) => answers[url], { apiBaseUrl: apiBaseUrl ?? undefined });
  const member = { id: { workspace_id: self.workspace_id, workspace_member_id: self.authorized_by_workspace_member_id }, first_name: 'Susan', last_name: 'Kare', email_address: 'susan@acme.test', access_level: 'admin' };
  const memberUrl = `https://api.attio.com/v2/workspace_members/${self.authorized_by_workspace_member_id}`;

  it('reads the name, e-mail and access level of the member /v2/self names', async () => {
    const { value, asked } = reader({ 'https://api.attio.com/v2/self': self, [memberUrl]: { data: member } });
    expect(await readMoreClaims!(value)).toEqual({ name: 'Susan Kare', email: 'susan@acme.test', access_level: 'admin' });
    expect(asked).toEqual(['https://api.attio.com/v2/self', memberUrl]);
  });

  it('adds nothing when the app may not read members (403 or 404), when /v2/self names no member, or with no API base', async () => {
    expect(await readMoreClaims!(reader({ 'https://api.attio.com/v2/self': self }).value)).toEqual({});
    const inactive = reader({ 'https://api.attio.com/v2/self': { active: false } });
    expect(await readMoreClaims!(inactive.value)).toEqual({});
    expect(inactive.asked).toHaveLength(1);
    const none = reader({}, null);
    expect(await readMoreClaims!(none.value)).toEqual({});
    expect(none.asked).toEqual([]);
  });

  it('a member answer without data is a bad response', async () => {
    await expect(readMoreClaims!(reader({ 'https://api.attio.com/v2/self': self, [memberUrl]: { status_code: 200 } }).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
  });
});

describe('attio revoke: the access token at /oauth/revoke', () => {
  const request = (status: number, expired = false) => revocationRequest(answer(status), { revocationEndpoint: 'https://app.attio.com/oauth/revoke', accessToken: 'attio_live', accessTokenExpired: expired });

  it('204 is revoked; the token goes in a form body, with no client credentials', async () => {
    const { value, sent } = request(204);
    expect(await revoke!(value)).toBe('revoked');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://app.attio.com/oauth/revoke');
    expect(sent[0]!.init).toEqual({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=attio_live' });
  });

  it('a 400 or 401 for a live token is already revoked; an expired one refused, or a server fault, is a failure', async () => {
    expect(await revoke!(request(401).value)).toBe('already_revoked');
    expect(await revoke!(request(400).value)).toBe('already_revoked');
    await expect(revoke!(request(401, true).value)).rejects.toMatchObject({ code: 'provider_bad_response' });
    await expect(revoke!(request(503).value)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
