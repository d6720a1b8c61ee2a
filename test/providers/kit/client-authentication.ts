/**
 * Client authentication at a token or revocation endpoint as most providers
 * take it: either method RFC 6749 §2.3.1 allows. A provider that takes only
 * one of them (X and Zoom Basic alone, Twitch and LinkedIn the form alone)
 * checks for itself, so that difference stays in its emulator.
 */
import type { EmulatorRequest } from './emulator-server.js';

/** Whether the request authenticates as this client, by HTTP Basic or by `client_id` and `client_secret` in the form (Basic wins when both are sent). */
export function authenticatesAs(request: EmulatorRequest, client: { clientId: string; clientSecret: string }): boolean {
  const basic = request.basicAuth();
  const form = request.form();
  return (basic?.username ?? form.get('client_id')) === client.clientId && (basic?.password ?? form.get('client_secret')) === client.clientSecret;
}
