import { describe, expect, it } from 'vitest';
import { egi_checkin } from './egi_checkin.js';

describe('egi_checkin settings', () => {
  const settings = egi_checkin.settings({});

  it('discovers the production realm and keys the account by the Community User Identifier, voperson_id, not sub', () => {
    expect(settings.discovery).toEqual({ issuer: 'https://aai.egi.eu/auth/realms/egi' });
    expect(settings.idTokenSubjectClaim).toBe('voperson_id');
    expect(settings.subjectClaim).toBeUndefined();
  });

  it('asks voperson_id and offline_access beside the OpenID scopes, and sends the scope with each token request (a refresh needs openid)', () => {
    expect(settings.scope!.split(' ')).toEqual(['openid', 'profile', 'email', 'voperson_id', 'offline_access']);
    expect(settings.tokenRequestsSendScope).toBe(true);
    expect(settings.tokenEndpointAuthMethod).toBe('client_secret_basic');
  });
});
