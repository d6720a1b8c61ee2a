import { describe, expect, it } from 'vitest';
import { classlink } from './classlink.js';

const hooks = classlink.settings({}).hooks!;

describe('classlink profileClaims: /v2/my/info', () => {
  // The example answer of https://developer.classlink.com/docs/accessing-user-data, its e-mail an example one.
  const info = {
    UserId: 1516492,
    TenantId: 2,
    StateId: 2,
    StateName: 'New Jersey',
    BuildingId: 1,
    AuthenticationType: 2,
    DisplayName: 'Reading Student',
    FirstName: 'Reading',
    LastName: 'Student',
    Email: 'reading.student@example.edu',
    LoginId: '4801508017',
    ImagePath: '',
    LanguageId: 1,
    Language: 'en',
    DefaultTimeFormat: 0,
    Profile: 'Developer Student Profile',
    ProfileId: 3280,
    Tenant: 'ClassLink Demo',
    Building: 'CL Demo Building1',
    Role: 'Student',
    Role_Level: 4,
    LastAccessTime: '2015-11-12T19:25:32.000Z',
    OrgId: '',
    SourcedId: '4801508017',
  };

  it('takes the UserId, the display name, the e-mail, the LoginId as preferred username, the district, the role and the OneRoster id', () => {
    expect(hooks.profileClaims!(info)).toEqual({
      UserId: 1516492,
      TenantId: 2,
      name: 'Reading Student',
      email: 'reading.student@example.edu',
      preferred_username: '4801508017',
      Tenant: 'ClassLink Demo',
      Role: 'Student',
      SourcedId: '4801508017',
    });
  });

  it('names the person from FirstName and LastName without a DisplayName, and leaves out what is empty', () => {
    expect(hooks.profileClaims!({ ...info, DisplayName: ' ' })).toMatchObject({ name: 'Reading Student' });
    expect(hooks.profileClaims!({ UserId: 7, TenantId: '2', DisplayName: '', Email: '', SourcedId: '' })).toEqual({ UserId: 7 });
  });

  it.each([[{ DisplayName: 'No Id' }], [{ UserId: '1516492' }], [{ UserId: 0 }], [{ UserId: 1.5 }], [null], [[info]]])('finds no one in %j', (body) => {
    expect(hooks.profileClaims!(body)).toBeUndefined();
  });
});
