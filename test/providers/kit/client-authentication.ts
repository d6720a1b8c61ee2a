/**
 * Client authentication at a token or revocation endpoint as most providers
 * take it: either method RFC 6749 §2.3.1 allows. A provider that takes only
 * one of them (X and Zoom Basic alone, Twitch and LinkedIn the form alone)
 * says so in its emulator, with the checks here of Basic credentials as they
 * are sent and of the form's alone.
 */
import type { EmulatorRequest, EmulatorServer } from './emulator-server.js';

/** Whether the request authenticates as this client, by HTTP Basic or by `client_id` and `client_secret` in the form (Basic wins when both are sent). */
export function authenticatesAs(request: EmulatorRequest, client: { clientId: string; clientSecret: string }): boolean {
  const basic = request.basicAuth();
  const form = request.form();
  return (basic?.username ?? form.get('client_id')) === client.clientId && (basic?.password ?? form.get('client_secret')) === client.clientSecret;
}

/**
 * authenticatesAs, counting on `server` the method each request used
 * (`client_secret_basic` or `client_secret_post`), for a test that checks
 * which one the preset sends.
 */
export function countedAuthentication(server: Pick<EmulatorServer, 'count'>, client: { clientId: string; clientSecret: string }): (request: EmulatorRequest) => boolean {
  return (request) => {
    server.count(request.basicAuth() ? 'client_secret_basic' : 'client_secret_post');
    return authenticatesAs(request, client);
  };
}

/** Whether the Basic header is `client_id:client_secret` base64-encoded as they are, nothing percent-decoded (unlike RFC 6749 §2.3.1's form-encoding, which several providers do not apply). */
export function basicAsSent(request: EmulatorRequest, client: { clientId: string; clientSecret: string }): boolean {
  const encoded = /^Basic (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  return encoded !== undefined && Buffer.from(encoded, 'base64').toString('utf8') === `${client.clientId}:${client.clientSecret}`;
}

/** Whether the form carries this client's `client_id` and `client_secret` (client_secret_post alone). */
export function formCredentials(request: EmulatorRequest, client: { clientId: string; clientSecret: string }): boolean {
  return credentialsIn(request.form(), client);
}

/** Whether these parameters carry this client's `client_id` and `client_secret` (RFC 6749 §2.3.1's pair), wherever the provider reads them: a JSON body, the query, the form. */
export function credentialsIn(parameters: URLSearchParams, client: { clientId: string; clientSecret: string }): boolean {
  return parameters.get('client_id') === client.clientId && parameters.get('client_secret') === client.clientSecret;
}
