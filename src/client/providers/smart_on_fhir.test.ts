import { describe, expect, it } from 'vitest';
import { smart_on_fhir } from './smart_on_fhir.js';

describe('smart_on_fhir settings', () => {
  const settings = smart_on_fhir.settings({ baseUrl: 'https://ehr.example.org/fhir/r4/' });

  it('discovers the FHIR base URL\'s smart-configuration, asks openid fhirUser offline_access with aud the FHIR base, the client by plain Basic, the API the FHIR server', () => {
    expect(settings).toEqual({
      discovery: { metadataUrl: 'https://ehr.example.org/fhir/r4/.well-known/smart-configuration' },
      scope: 'openid fhirUser offline_access',
      authorizationParams: { aud: 'https://ehr.example.org/fhir/r4' },
      apiBaseUrl: 'https://ehr.example.org/fhir/r4',
      tokenEndpointAuthMethod: 'client_secret_basic',
      basicCredentials: 'plain',
      hooks: { tokenAnswerClaims: settings.hooks!.tokenAnswerClaims },
    });
  });

  it('leaves PKCE on (S256, which SMART requires) and reads the person from the ID token as it comes', () => {
    expect(settings.pkce).toBeUndefined();
    expect(settings.idTokenUnused).toBeUndefined();
    expect(settings.subjectClaim).toBeUndefined();
  });

  it('keeps the launch context of the token answer, the patient and encounter, and nothing else', () => {
    const { tokenAnswerClaims } = settings.hooks!;
    expect(tokenAnswerClaims!({ access_token: 'at', refresh_token: 'rt', id_token: 'x.y.z', scope: 'openid', patient: '123', encounter: ' enc-9 ', need_patient_banner: true })).toEqual({ patient: '123', encounter: 'enc-9' });
    expect(tokenAnswerClaims!({ access_token: 'at', patient: 42 })).toEqual({});
  });
});
