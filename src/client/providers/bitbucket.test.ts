import { describe, expect, it } from 'vitest';
import { bitbucket } from './bitbucket.js';
import { profileReader } from '../../../test/support/profile-reader.js';

const { findEmail } = bitbucket.settings({}).hooks!;

/** A reader whose `/user/emails` answers `body` (undefined: Bitbucket said 403, the `email` scope missing). */
function reader(body: unknown, userinfoEndpoint: string | undefined = 'https://api.bitbucket.org/2.0/user/') {
  return profileReader(() => body, { userinfoEndpoint, apiBaseUrl: 'https://api.bitbucket.org/2.0' });
}

const address = (email: string, isPrimary: boolean, isConfirmed: boolean) => ({ type: 'email', email, is_primary: isPrimary, is_confirmed: isConfirmed, links: {} });

describe('bitbucket findEmail: the primary address of /user/emails, when confirmed', () => {
  it('reads the first page beside the userinfo endpoint and takes the primary, confirmed address', async () => {
    const { value, asked } = reader({ pagelen: 10, page: 1, size: 2, values: [address('old@example.test', false, true), address('ada@example.test', true, true)] });
    expect(await findEmail!(value)).toEqual({ email: 'ada@example.test', verified: true });
    expect(asked).toEqual(['https://api.bitbucket.org/2.0/user/emails']);
  });

  it('an unconfirmed primary is no e-mail, even beside a confirmed other one', async () => {
    expect(await findEmail!(reader({ values: [address('new@example.test', true, false), address('old@example.test', false, true)] }).value)).toBeNull();
  });

  it('no e-mail without the email scope (403), without a primary, or from an answer that is not a page of addresses', async () => {
    expect(await findEmail!(reader(undefined).value)).toBeNull();
    expect(await findEmail!(reader({ values: [address('x@example.test', false, true)] }).value)).toBeNull();
    expect(await findEmail!(reader([address('x@example.test', true, true)]).value)).toBeNull();
    expect(await findEmail!(reader({ values: [{ is_primary: true, is_confirmed: true, email: '' }] }).value)).toBeNull();
    expect(await findEmail!(reader({ values: [] }, undefined).value)).toBeNull();
  });
});
