import { describe, expect, it } from 'vitest';
import { brightspace, whoamiClaims } from './brightspace.js';

describe('brightspace profileClaims: whoami as claims, the Identifier qualified by the instance', () => {
  const { profileClaims } = brightspace.settings({ baseUrl: 'https://myschool.brightspace.com/' }).hooks!;

  it("names the person by the Identifier at the instance's host, with the names and the username", () => {
    const whoami = { Identifier: '3675', FirstName: 'Sample', LastName: 'Apiuser', UniqueName: 'sampleapiuser', ProfileIdentifier: 'jWORDXkt6s', Pronouns: null };
    expect(profileClaims!(whoami)).toEqual({
      id: '3675@myschool.brightspace.com',
      identifier: '3675',
      name: 'Sample Apiuser',
      given_name: 'Sample',
      family_name: 'Apiuser',
      preferred_username: 'sampleapiuser',
      profile_identifier: 'jWORDXkt6s',
    });
  });

  it('the same Identifier at another instance is another person', () => {
    expect(whoamiClaims('other.brightspace.com')({ Identifier: '3675' })).toEqual({ id: '3675@other.brightspace.com', identifier: '3675' });
  });

  it('an answer without an Identifier names no one; blank names are left out', () => {
    expect(profileClaims!({ FirstName: 'No', LastName: 'Id' })).toBeUndefined();
    expect(profileClaims!({ Identifier: '  ' })).toBeUndefined();
    expect(profileClaims!([])).toBeUndefined();
    expect(profileClaims!({ Identifier: 42, FirstName: ' ', LastName: 'Solo' })).toEqual({ id: '42@myschool.brightspace.com', identifier: '42', name: 'Solo', family_name: 'Solo' });
  });
});
