import type { ProfileReader } from '../../src/client/provider-hooks.js';

/**
 * What a preset's readMoreClaims or findEmail hook is given, with a `getJson`
 * that records each URL in `asked` and answers `answer(url)` (undefined: the
 * provider answered 403 or 404). Fields not given: no userinfo endpoint and
 * no API base.
 */
export function profileReader(answer: (url: string) => unknown, fields: Partial<Omit<ProfileReader, 'getJson'>> = {}): { value: ProfileReader; asked: string[] } {
  const asked: string[] = [];
  const value: ProfileReader = {
    userinfoEndpoint: undefined,
    apiBaseUrl: undefined,
    ...fields,
    getJson: async (url) => {
      asked.push(url);
      return answer(url);
    },
  };
  return { value, asked };
}
