import { ERROR_CODES, isErrorCode } from '../../client/error-codes.js';

/**
 * What a connect link's return to this app's own pages says (README, Connect links: `status=connected`, or
 * `status=error&error=<code>`): the service API's `reconnect_url` brings the person back to `/account`. Only a known
 * code gives words, and those are the app's own, so a crafted address can show nothing but one of them.
 */
export function connectOutcome(query: URLSearchParams): string | null {
  const status = query.get('status');
  if (status === 'connected') return 'Connected: the provider granted access.';
  const code = query.get('error');
  if (status !== 'error' || code === null || !isErrorCode(code)) return null;
  return `Not connected. ${ERROR_CODES[code].meaning.replace(/`/g, '')}`;
}
