import type { FastifyInstance } from 'fastify';
import { clientJwks, clientMetadataDocument } from '../../client/client-metadata.js';
import type { Tokenkeeper } from '../../core/tokenkeeper.js';
import { redirectUri } from '../urls.js';

interface ProviderParams {
  provider: string;
}

/** How long a provider may keep the document before fetching it again (it changes only with the configuration). */
const CACHE_SECONDS = 600;

/**
 * GET /auth/:provider/client-metadata.json: the client metadata document of a provider whose client id is its URL
 * (AT Protocol's OAuth profile, https://atproto.com/specs/oauth#client-id-metadata-document; an MCP server's authorization
 * server that takes Client ID Metadata Documents, for the `mcp` preset): what the provider
 * fetches to learn the client's redirect URI, scope, authentication and public key. Public, as the provider fetches
 * it without credentials; it holds nothing secret. 404 for any other provider.
 */
export async function clientMetadataRoutes(app: FastifyInstance, deps: Tokenkeeper): Promise<void> {
  app.get<{ Params: ProviderParams }>('/auth/:provider/client-metadata.json', { config: { replies: 'json' } }, async (request, reply) => {
    const { settings } = deps.registry.get(request.params.provider); // 404 for an unknown provider, and for one without a document
    return reply.header('cache-control', `public, max-age=${CACHE_SECONDS}`).send(clientMetadataDocument(settings, redirectUri(deps.config.baseUrl, settings.name)));
  });

  /**
   * GET /auth/:provider/jwks.json: the client's public keys as a JWK Set, the `jwks_uri` to register at a provider
   * that encrypts ID tokens to the client (`<NAME>_DECRYPTION_KEY_FILE`) or reads its private_key_jwt key from there.
   * Public and without anything secret, as the metadata document. 404 for a provider with neither key.
   */
  app.get<{ Params: ProviderParams }>('/auth/:provider/jwks.json', { config: { replies: 'json' } }, async (request, reply) => {
    const jwks = clientJwks(deps.registry.get(request.params.provider).settings); // 404 for an unknown provider, and for one without keys
    return reply.header('cache-control', `public, max-age=${CACHE_SECONDS}`).header('content-type', 'application/jwk-set+json').send(jwks);
  });
}
