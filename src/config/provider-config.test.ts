import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { apiHeadersOf } from '../client/provider-settings.js';
import { PROVIDER_PRESETS } from '../client/providers/index.js';
import { MERCADO_LIBRE_SITES } from '../client/providers/mercadolibre.js';
import { providerSettings } from './provider-config.js';
import { heldHeaderReason } from './proxy-header-names.js';

const client = { ACME_CLIENT_ID: 'id', ACME_CLIENT_SECRET: 'secret' };
const github = { GITHUB_CLIENT_ID: 'gh', GITHUB_CLIENT_SECRET: 'ghs', GITHUB_PRESET: 'github' };

function refusal(env: Record<string, string>, name = 'acme', production = false): ConfigError {
  try {
    providerSettings(env, name, production);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return error as ConfigError;
  }
  throw new Error('providerSettings did not throw');
}

describe('provider settings from <NAME>_… variables', () => {
  it('a revocation endpoint for a preset that revokes through its API (GitHub, Dropbox) would never be used: it stops start-up', () => {
    const error = refusal({ ...github, GITHUB_REVOCATION_URL: 'https://github.example.com/revoke' }, 'github');
    expect(error.variable).toBe('GITHUB_REVOCATION_URL');
    expect(error.message).toContain("is not used: the github preset revokes through the provider's API (GITHUB_API_BASE_URL), not an RFC 7009 endpoint");
    const dropbox = { DROPBOX_PRESET: 'dropbox', DROPBOX_CLIENT_ID: 'd', DROPBOX_CLIENT_SECRET: 's', DROPBOX_REVOCATION_URL: 'https://api.dropboxapi.com/2/auth/token/revoke' };
    expect(refusal(dropbox, 'dropbox').variable).toBe('DROPBOX_REVOCATION_URL');
    // A preset with an RFC 7009 endpoint takes one.
    expect(providerSettings({ GOOGLE_PRESET: 'google', GOOGLE_CLIENT_ID: 'g', GOOGLE_CLIENT_SECRET: 's', GOOGLE_REVOCATION_URL: 'https://oauth2.googleapis.com/revoke' }, 'google', true).metadataOverrides).toMatchObject({
      revocationEndpoint: 'https://oauth2.googleapis.com/revoke',
    });
    // So does one whose hook revokes at its own revocation endpoint (Zoom's, with the access token alone).
    expect(providerSettings({ ZOOM_PRESET: 'zoom', ZOOM_CLIENT_ID: 'z', ZOOM_CLIENT_SECRET: 's', ZOOM_REVOCATION_URL: 'https://zoom.example.com/oauth/revoke' }, 'zoom', true).endpoints).toMatchObject({
      revocationEndpoint: 'https://zoom.example.com/oauth/revoke',
    });
    // As does one whose own revocation posts to an endpoint the preset names (Twitch's /oauth2/revoke).
    const twitch = { TWITCH_PRESET: 'twitch', TWITCH_CLIENT_ID: 't', TWITCH_CLIENT_SECRET: 's' };
    expect(providerSettings(twitch, 'twitch', true).metadataOverrides).toEqual({ revocationEndpoint: 'https://id.twitch.tv/oauth2/revoke' });
    expect(providerSettings({ ...twitch, TWITCH_REVOCATION_URL: 'https://id.example.com/oauth2/revoke' }, 'twitch', true).metadataOverrides).toEqual({
      revocationEndpoint: 'https://id.example.com/oauth2/revoke',
    });
  });

  it('a preset’s client id header (Twitch’s Client-Id) is kept, to carry the configured client id', () => {
    const settings = providerSettings({ TWITCH_PRESET: 'twitch', TWITCH_CLIENT_ID: 'uo6dggojyb8d6soh92zknwmi5ej1q2', TWITCH_CLIENT_SECRET: 's' }, 'twitch', true);
    expect(settings).toMatchObject({ clientIdHeader: 'client-id', clientId: 'uo6dggojyb8d6soh92zknwmi5ej1q2' });
    expect(providerSettings(github, 'github', true)).not.toHaveProperty('clientIdHeader');
  });

  it('the etsy preset: a public client at the token endpoint whose shared secret, required, goes in x-api-key on API calls', () => {
    const etsy = { ETSY_PRESET: 'etsy', ETSY_CLIENT_ID: '1aa2bb33c44d55eeeeee6fff' };
    const settings = providerSettings({ ...etsy, ETSY_CLIENT_SECRET: 'a1b2c3d4e5' }, 'etsy', true);
    expect(settings).toMatchObject({ tokenEndpointAuthMethod: 'none', clientSecret: 'a1b2c3d4e5', clientCredentialsHeader: 'x-api-key' });
    expect(apiHeadersOf(settings)).toEqual({ 'x-api-key': '1aa2bb33c44d55eeeeee6fff:a1b2c3d4e5' });
    expect(refusal(etsy, 'etsy').message).toBe('Configuration error: ETSY_CLIENT_SECRET is missing (the etsy preset sends it with the client id in x-api-key on every API call)');
    expect(providerSettings(github, 'github', true)).not.toHaveProperty('clientCredentialsHeader');
  });

  it('the github preset: GitHub’s issuer for RFC 9207, its endpoints, client_secret_post and the numeric id as subject', () => {
    const settings = providerSettings(github, 'github', true);
    expect(settings.endpoints).toEqual({
      issuer: 'https://github.com/login/oauth',
      authorizationEndpoint: 'https://github.com/login/oauth/authorize',
      tokenEndpoint: 'https://github.com/login/oauth/access_token',
      userinfoEndpoint: 'https://api.github.com/user',
    });
    expect(settings).toMatchObject({ apiBaseUrl: 'https://api.github.com', tokenEndpointAuthMethod: 'client_secret_post', subjectClaim: 'id' });
    expect(settings.hooks?.revoke).toBeTypeOf('function');
  });

  it('GitHub Enterprise Server through <NAME>_BASE_URL, with or without a trailing slash', () => {
    for (const baseUrl of ['https://github.example.com', 'https://github.example.com/']) {
      const settings = providerSettings({ ...github, GITHUB_BASE_URL: baseUrl }, 'github', true);
      expect(settings.endpoints).toMatchObject({
        issuer: 'https://github.example.com/login/oauth',
        authorizationEndpoint: 'https://github.example.com/login/oauth/authorize',
        userinfoEndpoint: 'https://github.example.com/api/v3/user',
      });
      expect(settings.apiBaseUrl).toBe('https://github.example.com/api/v3');
    }
  });

  it('each endpoint variable replaces one of a preset’s endpoints, keeping the rest and the issuer', () => {
    const settings = providerSettings({ ...github, GITHUB_ACCESS_TOKEN_URL: 'http://127.0.0.1:9/token' }, 'github', false);
    expect(settings.endpoints).toMatchObject({ issuer: 'https://github.com/login/oauth', tokenEndpoint: 'http://127.0.0.1:9/token', authorizationEndpoint: 'https://github.com/login/oauth/authorize' });
  });

  it('a preset’s user API moves with <NAME>_API_BASE_URL (GitHub’s /user, X’s with its query), unless <NAME>_USERINFO_URL names another', () => {
    const moved = providerSettings({ ...github, GITHUB_API_BASE_URL: 'https://ghe.example.com/api/v3/' }, 'github', true);
    expect(moved.endpoints?.userinfoEndpoint).toBe('https://ghe.example.com/api/v3/user');
    const x = { X_PRESET: 'x', X_CLIENT_ID: 'x', X_CLIENT_SECRET: 's', X_API_BASE_URL: 'http://127.0.0.1:9' };
    expect(providerSettings(x, 'x', false).endpoints?.userinfoEndpoint).toBe('http://127.0.0.1:9/2/users/me?user.fields=confirmed_email');
    const named = providerSettings({ ...github, GITHUB_API_BASE_URL: 'https://ghe.example.com/api/v3', GITHUB_USERINFO_URL: 'https://profiles.example.com/me' }, 'github', true);
    expect(named.endpoints?.userinfoEndpoint).toBe('https://profiles.example.com/me');
  });

  it('<NAME>_REFRESH_URL names where refreshes go, with explicit endpoints or discovery, and is checked as every endpoint is', () => {
    const explicit = { ...client, ACME_AUTHORIZE_URL: 'https://id.example.com/authorize', ACME_ACCESS_TOKEN_URL: 'https://id.example.com/token', ACME_REFRESH_URL: 'https://id.example.com/refresh' };
    expect(providerSettings(explicit, 'acme', true).endpoints).toMatchObject({ tokenEndpoint: 'https://id.example.com/token', refreshEndpoint: 'https://id.example.com/refresh' });
    const discovered = providerSettings({ ...client, ACME_ISSUER: 'https://id.example.com', ACME_REFRESH_URL: 'https://id.example.com/refresh' }, 'acme', true);
    expect(discovered.metadataOverrides).toEqual({ refreshEndpoint: 'https://id.example.com/refresh' });
    const plainHttp = refusal({ ...explicit, ACME_REFRESH_URL: 'http://id.example.com/refresh' }, 'acme', true);
    expect(plainHttp.variable).toBe('ACME_REFRESH_URL');
    expect(plainHttp.message).toContain('must use https in production');
    expect(refusal({ ...explicit, ACME_REFRESH_URL: 'id.example.com/refresh' }, 'acme').variable).toBe('ACME_REFRESH_URL');
  });

  it('endpoint variables override what discovery finds (a revocation endpoint the document leaves out)', () => {
    const settings = providerSettings({ ...client, ACME_SERVER_METADATA_URL: 'https://id.example.com/o/.well-known/openid-configuration/', ACME_REVOCATION_URL: 'https://id.example.com/o/revoke_token/' }, 'acme', true);
    expect(settings.discovery).toEqual({ metadataUrl: 'https://id.example.com/o/.well-known/openid-configuration/' });
    expect(settings.metadataOverrides).toEqual({ revocationEndpoint: 'https://id.example.com/o/revoke_token/' });
    const withIssuer = providerSettings({ ...client, ACME_ISSUER: 'https://id.example.com', ACME_USERINFO_URL: 'https://id.example.com/me' }, 'acme', true);
    expect(withIssuer.discovery).toEqual({ issuer: 'https://id.example.com' });
    expect(withIssuer.metadataOverrides).toEqual({ userinfoEndpoint: 'https://id.example.com/me' });
  });

  it('explicit endpoints with the openid scope need <NAME>_JWKS_URL; with it they are accepted', () => {
    const explicit = { ...client, ACME_AUTHORIZE_URL: 'https://id.example.com/authorize', ACME_ACCESS_TOKEN_URL: 'https://id.example.com/token', ACME_SCOPE: 'openid email' };
    expect(refusal(explicit).variable).toBe('ACME_JWKS_URL');
    const settings = providerSettings({ ...explicit, ACME_JWKS_URL: 'https://id.example.com/jwks' }, 'acme', true);
    expect(settings.endpoints?.jwksUri).toBe('https://id.example.com/jwks');
  });

  it('a preset whose ID tokens go unused (idTokenUnused) asks for the openid scope with no <NAME>_JWKS_URL', () => {
    const settings = providerSettings({ ...client, ACME_PRESET: 'paypal' }, 'acme', true);
    expect(settings).toMatchObject({ idTokenUnused: true, scope: expect.stringMatching(/^openid /) });
    expect(settings.endpoints?.jwksUri).toBeUndefined();
  });

  it('a preset whose token endpoint takes its parameters in a GET query (tokenRequestsInQuery) keeps the setting', () => {
    expect(providerSettings({ ...client, ACME_PRESET: 'bitrix24', ACME_DOMAIN: 'acme.bitrix24.com' }, 'acme', true).tokenRequestsInQuery).toBe(true);
    expect(providerSettings({ ...client, ACME_ISSUER: 'https://id.example.com' }, 'acme', true).tokenRequestsInQuery).toBeUndefined();
  });

  it('a preset whose provider answers no token_type (omitsTokenType) keeps the setting', () => {
    expect(providerSettings({ ...client, ACME_PRESET: 'dailymotion' }, 'acme', true).omitsTokenType).toBe(true);
    expect(providerSettings({ ...client, ACME_ISSUER: 'https://id.example.com' }, 'acme', true).omitsTokenType).toBeUndefined();
  });

  it('<NAME>_AUTHORIZATION_PARAMS adds parameters over the preset’s, and may not replace ours', () => {
    const settings = providerSettings({ ...client, ACME_ISSUER: 'https://id.example.com', ACME_AUTHORIZATION_PARAMS: 'access_type=offline&hd=example.com' }, 'acme', true);
    expect(settings.authorizationParams).toEqual({ access_type: 'offline', hd: 'example.com' });
    const error = refusal({ ...client, ACME_ISSUER: 'https://id.example.com', ACME_AUTHORIZATION_PARAMS: 'redirect_uri=https://evil.example' });
    expect(error.message).toBe('Configuration error: ACME_AUTHORIZATION_PARAMS may not set redirect_uri: Tokenkeeper sets it');
  });

  it('<NAME>_AUTHORIZATION_PARAMS that is not a query string is refused, not sent half-read', () => {
    const params = (value: string) => refusal({ ...client, ACME_ISSUER: 'https://id.example.com', ACME_AUTHORIZATION_PARAMS: value }).message;
    expect(params('access_type')).toBe(
      'Configuration error: ACME_AUTHORIZATION_PARAMS has "access_type" without a value (write it as a query string, e.g. access_type=offline&hd=example.com)',
    );
    expect(params('hd=example.com&login_hint=%E0%A4%A')).toMatch(/^Configuration error: ACME_AUTHORIZATION_PARAMS has "login_hint=%E0%A4%A", whose percent-encoding is broken/);
    const settings = providerSettings({ ...client, ACME_ISSUER: 'https://id.example.com', ACME_AUTHORIZATION_PARAMS: 'prompt=&login_hint=a%2Bb%40example.com' }, 'acme', true);
    expect(settings.authorizationParams).toEqual({ prompt: '', login_hint: 'a+b@example.com' });
  });

  it('a variable that would not be used stops start-up: a template value the preset does not take, or both issuer and metadata URL', () => {
    expect(refusal({ ...github, GITHUB_TENANT: 'common' }, 'github').message).toBe('Configuration error: GITHUB_TENANT is not used by the github preset; remove it');
    expect(refusal({ ...client, ACME_ISSUER: 'https://id.example.com', ACME_BASE_URL: 'https://id.example.com' }).variable).toBe('ACME_BASE_URL');
    expect(refusal({ ...client, ACME_ISSUER: 'https://id.example.com', ACME_SERVER_METADATA_URL: 'https://id.example.com/.well-known/openid-configuration' }).variable).toBe('ACME_ISSUER');
  });

  it('<NAME>_USER_AGENT: taken by a preset whose provider asks for the contact in it, checked as a header value, refused by any other', () => {
    const reddit = { REDDIT_PRESET: 'reddit', REDDIT_CLIENT_ID: 'p-jcoLKBynTLew', REDDIT_CLIENT_SECRET: 's' };
    const settings = providerSettings({ ...reddit, REDDIT_USER_AGENT: 'server:acme:v1 (by /u/acme_ops)' }, 'reddit', true);
    expect(settings.apiHeaders).toEqual({ 'user-agent': 'server:acme:v1 (by /u/acme_ops)' });
    expect(providerSettings(reddit, 'reddit', true).apiHeaders).toEqual({ 'user-agent': 'server:p-jcoLKBynTLew:v1 (Tokenkeeper OAuth token service)' });
    for (const value of ['server:acme:v1 (by /u/\u00e9)', 'delete\u007f', 'x'.repeat(257), 'tab\there']) {
      expect(refusal({ ...reddit, REDDIT_USER_AGENT: value }, 'reddit').message).toBe(
        'Configuration error: REDDIT_USER_AGENT must be printable ASCII of at most 256 characters, as a header is, e.g. server:my-app:v1 (by /u/my_username)',
      );
    }
    expect(refusal({ ...github, GITHUB_USER_AGENT: 'acme' }, 'github').message).toBe('Configuration error: GITHUB_USER_AGENT is not used by the github preset; remove it');
  });

  it('<NAME>_USER_TYPE: the kind of token the highlevel preset asks for, Location unless Company is given, refused by any other preset', () => {
    const highlevel = { HIGHLEVEL_PRESET: 'highlevel', HIGHLEVEL_CLIENT_ID: '65f0c1a2b3d4e5f6a7b8c9d0-lt1x2y3z', HIGHLEVEL_CLIENT_SECRET: 's' };
    const userTypeSent = (settings: ReturnType<typeof providerSettings>) =>
      new URLSearchParams(settings.hooks!.tokenRequest!({ body: new URLSearchParams({ grant_type: 'refresh_token' }), headers: {} }).body).get('user_type');
    expect(userTypeSent(providerSettings(highlevel, 'highlevel', true))).toBe('Location');
    expect(userTypeSent(providerSettings({ ...highlevel, HIGHLEVEL_USER_TYPE: 'Company' }, 'highlevel', true))).toBe('Company');
    for (const value of ['Agency', 'location', 'Sub-Account']) {
      expect(refusal({ ...highlevel, HIGHLEVEL_USER_TYPE: value }, 'highlevel').message).toBe(`Configuration error: HIGHLEVEL_USER_TYPE must be Company or Location (got "${value}")`);
    }
    expect(refusal({ ...github, GITHUB_USER_TYPE: 'Company' }, 'github').message).toBe('Configuration error: GITHUB_USER_TYPE is not used by the github preset; remove it');
  });

  it("<NAME>_RUNAME: the eBay app's RuName, required by the ebay preset, sent as redirect_uri, refused by any other preset", () => {
    const ebay = { EBAY_PRESET: 'ebay', EBAY_CLIENT_ID: 'PatSelle-PatsApp-PRD-1a2b3c4d5-6e7f8a9b', EBAY_CLIENT_SECRET: 's' };
    expect(refusal(ebay, 'ebay').message).toBe('Configuration error: EBAY_RUNAME is missing (the ebay preset needs it)');
    expect(providerSettings({ ...ebay, EBAY_RUNAME: 'Pat_Seller-PatSelle-PatsAp-abcdefghij' }, 'ebay', true).redirectUriSent).toBe('Pat_Seller-PatSelle-PatsAp-abcdefghij');
    for (const value of ['https://app.example.com/auth/ebay/callback', 'two words', '-leading']) {
      expect(refusal({ ...ebay, EBAY_RUNAME: value }, 'ebay').message).toBe(
        `Configuration error: EBAY_RUNAME must be the app's RuName as eBay shows it on the User Tokens page: letters, digits, _, - and . (got "${value}")`,
      );
    }
    expect(refusal({ ...github, GITHUB_RUNAME: 'x' }, 'github').message).toBe('Configuration error: GITHUB_RUNAME is not used by the github preset; remove it');
    expect(providerSettings(github, 'github', true).redirectUriSent).toBeUndefined();
  });

  it('client authentication: each method takes exactly the credentials it uses, and a key file is checked at start-up', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tk-keys-'));
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(join(folder, 'key.pem'), pem);
    writeFileSync(join(folder, 'public.pem'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
    const issuer = { ACME_CLIENT_ID: 'id', ACME_ISSUER: 'https://id.example.com' };
    const keyed = providerSettings({ ...issuer, ACME_TOKEN_ENDPOINT_AUTH_METHOD: 'private_key_jwt', ACME_PRIVATE_KEY_FILE: 'key.pem', ACME_PRIVATE_KEY_ID: 'k1' }, 'acme', true, folder);
    expect(keyed).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', clientSecret: '', privateKey: { key: pem, keyId: 'k1' } });
    expect(providerSettings({ ...issuer, ACME_TOKEN_ENDPOINT_AUTH_METHOD: 'none' }, 'acme', true)).toMatchObject({ tokenEndpointAuthMethod: 'none', clientSecret: '' });

    expect(refusal({ ...issuer, ACME_TOKEN_ENDPOINT_AUTH_METHOD: 'private_key_jwt' }).variable).toBe('ACME_PRIVATE_KEY_FILE');
    expect(refusal({ ...issuer, ACME_TOKEN_ENDPOINT_AUTH_METHOD: 'private_key_jwt', ACME_PRIVATE_KEY_FILE: join(folder, 'missing.pem') }).message).toContain('cannot be read: ENOENT');
    expect(refusal({ ...issuer, ACME_TOKEN_ENDPOINT_AUTH_METHOD: 'private_key_jwt', ACME_PRIVATE_KEY_FILE: join(folder, 'public.pem') }).message).toContain('ACME_PRIVATE_KEY_FILE is not usable');
    expect(refusal({ ...issuer, ACME_TOKEN_ENDPOINT_AUTH_METHOD: 'none', ACME_CLIENT_SECRET: 's' }).message).toBe('Configuration error: ACME_CLIENT_SECRET is not used with ACME_TOKEN_ENDPOINT_AUTH_METHOD=none; remove it');
    expect(refusal({ ...issuer, ACME_CLIENT_SECRET: 's', ACME_PRIVATE_KEY_FILE: 'key.pem' }).variable).toBe('ACME_PRIVATE_KEY_FILE');
    expect(refusal({ ...issuer, ACME_TOKEN_ENDPOINT_AUTH_METHOD: 'client_secret_jwt' }).variable).toBe('ACME_CLIENT_SECRET');
  });

  it('the apple preset: a team id and an ES256 key with its id instead of a client secret; anything else is refused', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tk-apple-'));
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(join(folder, 'AuthKey.p8'), pem);
    writeFileSync(join(folder, 'rsa.pem'), generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const apple = { APPLE_PRESET: 'apple', APPLE_CLIENT_ID: 'com.example.web', APPLE_TEAM_ID: 'TEAM123456', APPLE_PRIVATE_KEY_FILE: 'AuthKey.p8', APPLE_PRIVATE_KEY_ID: 'KEY1234567' };
    const refused = (env: Record<string, string>) => {
      try {
        providerSettings(env, 'apple', true, folder);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('providerSettings did not throw');
    };
    expect(providerSettings(apple, 'apple', true, folder)).toMatchObject({
      discovery: { issuer: 'https://appleid.apple.com' },
      scope: 'openid name email',
      authorizationParams: { response_mode: 'form_post' },
      tokenEndpointAuthMethod: 'client_secret_post',
      clientSecret: '',
      privateKey: { key: pem, keyId: 'KEY1234567' },
      signedClientSecret: { teamId: 'TEAM123456', audience: 'https://appleid.apple.com' },
      skipUserinfo: true,
    });
    const { APPLE_TEAM_ID: _team, ...noTeam } = apple;
    expect(refused(noTeam)).toBe('Configuration error: APPLE_TEAM_ID is missing (the apple preset needs it)');
    expect(refused({ ...apple, APPLE_TEAM_ID: 'team-1' })).toContain('APPLE_TEAM_ID is not a valid teamId (got "team-1")');
    const { APPLE_PRIVATE_KEY_ID: _kid, ...noKeyId } = apple;
    expect(refused(noKeyId)).toBe('Configuration error: APPLE_PRIVATE_KEY_ID is missing (the apple preset signs its client secret with APPLE_PRIVATE_KEY_FILE and names the key by this id)');
    const { APPLE_PRIVATE_KEY_FILE: _file, ...noKey } = apple;
    expect(refused(noKey)).toBe('Configuration error: APPLE_PRIVATE_KEY_FILE is missing (the apple preset signs its client secret with APPLE_PRIVATE_KEY_FILE)');
    expect(refused({ ...apple, APPLE_PRIVATE_KEY_FILE: 'rsa.pem' })).toContain('APPLE_PRIVATE_KEY_FILE holds a key that signs RS256');
    expect(refused({ ...apple, APPLE_CLIENT_SECRET: 'eyJ...' })).toBe('Configuration error: APPLE_CLIENT_SECRET is not used: the apple preset signs its client secret with APPLE_PRIVATE_KEY_FILE; remove it');
    expect(refused({ ...apple, APPLE_TOKEN_ENDPOINT_AUTH_METHOD: 'client_secret_basic' })).toContain('APPLE_TOKEN_ENDPOINT_AUTH_METHOD is not used');
    // Another preset does not take a team id.
    expect(refusal({ ...github, GITHUB_TEAM_ID: 'TEAM123456' }, 'github').message).toContain('GITHUB_TEAM_ID is not used by the github preset');
  });

  it('<NAME>_API_BASE_URL over a preset with an API origin per connection: the token answer may name that host too, beside the preset’s domains', () => {
    const salesforce = { SALESFORCE_PRESET: 'salesforce', SALESFORCE_CLIENT_ID: 's', SALESFORCE_CLIENT_SECRET: 's' };
    expect(providerSettings(salesforce, 'salesforce', true).connectionApiBase).not.toMatchObject({ domains: expect.arrayContaining(['sandbox.example.com']) });
    const moved = providerSettings({ ...salesforce, SALESFORCE_API_BASE_URL: 'https://sandbox.example.com/api' }, 'salesforce', true);
    expect(moved.connectionApiBase).toEqual({ member: 'instance_url', domains: ['salesforce.com', 'force.com', 'salesforce.mil', 'cloudforce.com', 'login.salesforce.com', 'sandbox.example.com'] });
  });

  it('<NAME>_ISSUER over a preset whose API is its issuer moves the API base with it; an explicit API base or another API stays', () => {
    const okta = { ...client, ACME_PRESET: 'okta', ACME_DOMAIN: 'dev-123.okta.com' };
    expect(providerSettings(okta, 'acme', true).apiBaseUrl).toBe('https://dev-123.okta.com/oauth2/default');
    const other = providerSettings({ ...okta, ACME_ISSUER: 'https://dev-123.okta.com/oauth2/aus9abc' }, 'acme', true);
    expect(other.discovery).toEqual({ issuer: 'https://dev-123.okta.com/oauth2/aus9abc' });
    expect(other.apiBaseUrl).toBe('https://dev-123.okta.com/oauth2/aus9abc');
    const auth0 = { ...client, ACME_PRESET: 'auth0', ACME_DOMAIN: 'acme.us.auth0.com', ACME_ISSUER: 'https://login.acme.test/' };
    expect(providerSettings(auth0, 'acme', true).apiBaseUrl).toBe('https://login.acme.test');
    expect(providerSettings({ ...okta, ACME_ISSUER: 'https://dev-123.okta.com/oauth2/aus9abc', ACME_API_BASE_URL: 'https://api.acme.test' }, 'acme', true).apiBaseUrl).toBe('https://api.acme.test');
    const google = { ...client, ACME_PRESET: 'google', ACME_ISSUER: 'https://accounts.example.test' };
    expect(providerSettings(google, 'acme', true).apiBaseUrl).toBe('https://www.googleapis.com');
  });

  it('the values that only make the issuer (Okta and Auth0 domains, a Keycloak host and realm) may be left out when <NAME>_ISSUER or <NAME>_SERVER_METADATA_URL gives it', () => {
    const okta = providerSettings({ ...client, ACME_PRESET: 'okta', ACME_ISSUER: 'https://dev-123.okta.com/oauth2/aus9abc' }, 'acme', true);
    expect(okta.discovery).toEqual({ issuer: 'https://dev-123.okta.com/oauth2/aus9abc' });
    expect(okta.apiBaseUrl).toBe('https://dev-123.okta.com/oauth2/aus9abc');
    const keycloak = providerSettings({ ...client, ACME_PRESET: 'keycloak', ACME_ISSUER: 'https://sso.acme.test/realms/staff' }, 'acme', true);
    expect(keycloak.apiBaseUrl).toBe('https://sso.acme.test/realms/staff');
    const auth0 = providerSettings({ ...client, ACME_PRESET: 'auth0', ACME_SERVER_METADATA_URL: 'https://login.acme.test/.well-known/openid-configuration' }, 'acme', true);
    expect(auth0.discovery).toEqual({ metadataUrl: 'https://login.acme.test/.well-known/openid-configuration' });

    expect(refusal({ ...client, ACME_PRESET: 'okta' }).message).toBe('Configuration error: ACME_DOMAIN is missing (the okta preset makes the issuer from it; or set ACME_ISSUER)');
    expect(refusal({ ...client, ACME_PRESET: 'keycloak', ACME_REALM: 'staff' }).message).toBe(
      'Configuration error: ACME_BASE_URL is missing (the keycloak preset makes the issuer from it; or set ACME_ISSUER)',
    );
  });

  it('a base URL copied with the path the preset appends (a Keycloak issuer, a GitLab or GitHub API URL) stops start-up, naming the URL to give', () => {
    const keycloak = { ...client, ACME_PRESET: 'keycloak', ACME_REALM: 'staff' };
    expect(refusal({ ...keycloak, ACME_BASE_URL: 'https://sso.acme.test/realms/staff' }).message).toBe(
      'Configuration error: ACME_BASE_URL ends in the realm\'s path (/realms/staff): give the server alone, and the realm as ACME_REALM, e.g. https://sso.acme.test (got "https://sso.acme.test/realms/staff")',
    );
    expect(refusal({ ...keycloak, ACME_BASE_URL: 'https://sso.acme.test/auth/realms/staff/' }).message).toContain('e.g. https://sso.acme.test/auth (got');
    // What made the address is kept, to name in a failed discovery's message.
    expect(providerSettings({ ...keycloak, ACME_BASE_URL: 'https://sso.acme.test/auth' }, 'acme', true).discovery).toEqual({
      issuer: 'https://sso.acme.test/auth/realms/staff',
      madeBy: 'the keycloak preset, from ACME_BASE_URL and ACME_REALM',
    });
    expect(refusal({ ...client, ACME_PRESET: 'gitlab', ACME_BASE_URL: 'https://git.acme.test/api/v4' }).message).toBe(
      'Configuration error: ACME_BASE_URL ends in the REST API\'s path (/api/v4): give the instance\'s URL alone, e.g. https://git.acme.test (got "https://git.acme.test/api/v4")',
    );
    expect(refusal({ ...github, GITHUB_BASE_URL: 'https://ghe.acme.test/api/v3/' }, 'github').message).toContain('(/api/v3): give the server\'s URL alone, e.g. https://ghe.acme.test (got');
    // github.com's API host, where the preset wants nothing: sign-in would go to api.github.com/login/oauth.
    expect(refusal({ ...github, GITHUB_BASE_URL: 'https://api.github.com' }, 'github').message).toBe(
      'Configuration error: GITHUB_BASE_URL is GitHub\'s API host: for github.com leave GITHUB_BASE_URL unset (it names a GitHub Enterprise Server) (got "https://api.github.com")',
    );
    expect(providerSettings({ ...client, ACME_PRESET: 'gitlab', ACME_BASE_URL: 'https://acme.test/gitlab' }, 'acme', true).apiBaseUrl).toBe('https://acme.test/gitlab/api/v4');
    // Gitea (and Forgejo) is always self-run: its URL is required, without the REST API's /api/v1.
    expect(refusal({ ...client, ACME_PRESET: 'gitea' }).message).toBe('Configuration error: ACME_BASE_URL is missing (the gitea preset needs it)');
    expect(refusal({ ...client, ACME_PRESET: 'gitea', ACME_BASE_URL: 'https://acme.test/gitea/api/v1/' }).message).toBe(
      'Configuration error: ACME_BASE_URL ends in the REST API\'s path (/api/v1): give the instance\'s URL alone, e.g. https://acme.test/gitea (got "https://acme.test/gitea/api/v1/")',
    );
    // Nextcloud too, without a path the preset appends (its WebDAV, OCS or OAuth2 app's).
    expect(refusal({ ...client, ACME_PRESET: 'nextcloud' }).message).toBe('Configuration error: ACME_BASE_URL is missing (the nextcloud preset needs it)');
    expect(refusal({ ...client, ACME_PRESET: 'nextcloud', ACME_BASE_URL: 'https://acme.test/cloud/remote.php/dav/files/ada' }).message).toBe(
      'Configuration error: ACME_BASE_URL ends in a path the preset appends itself (/remote.php): give the server\'s URL alone, e.g. https://acme.test/cloud (got "https://acme.test/cloud/remote.php/dav/files/ada")',
    );
    expect(refusal({ ...client, ACME_PRESET: 'nextcloud', ACME_BASE_URL: 'https://cloud.acme.test/index.php' }).message).toContain('(/index.php): give the server\'s URL alone, e.g. https://cloud.acme.test (got');
    expect(providerSettings({ ...client, ACME_PRESET: 'nextcloud', ACME_BASE_URL: 'https://acme.test/cloud/' }, 'acme', true).apiBaseUrl).toBe('https://acme.test/cloud');
    // Mastodon: one instance, required, without a profile's path or one the preset appends.
    expect(refusal({ ...client, ACME_PRESET: 'mastodon' }).message).toBe('Configuration error: ACME_BASE_URL is missing (the mastodon preset needs it)');
    expect(refusal({ ...client, ACME_PRESET: 'mastodon', ACME_BASE_URL: 'https://social.acme.test/@ada' }).message).toBe(
      'Configuration error: ACME_BASE_URL ends in a path the preset appends itself, or a profile\'s (/@ada): give the instance\'s URL alone, e.g. https://social.acme.test (got "https://social.acme.test/@ada")',
    );
    expect(refusal({ ...client, ACME_PRESET: 'mastodon', ACME_BASE_URL: 'https://social.acme.test/api/v1/' }).message).toContain('(/api): give the instance\'s URL alone, e.g. https://social.acme.test (got');
    expect(providerSettings({ ...client, ACME_PRESET: 'mastodon', ACME_BASE_URL: 'https://social.acme.test/' }, 'acme', true)).toMatchObject({
      apiBaseUrl: 'https://social.acme.test/api',
      endpoints: { tokenEndpoint: 'https://social.acme.test/oauth/token', revocationEndpoint: 'https://social.acme.test/oauth/revoke' },
    });
  });

  it('<NAME>_SIGN_OUT_AT_PROVIDER is on or off (default off), and on needs OpenID discovery, whose document names the end_session_endpoint', () => {
    const acme = { ...client, ACME_ISSUER: 'https://id.acme.test' };
    expect(providerSettings(acme, 'acme', true)).not.toHaveProperty('signOutAtProvider');
    expect(providerSettings({ ...acme, ACME_SIGN_OUT_AT_PROVIDER: 'on' }, 'acme', true).signOutAtProvider).toBe(true);
    expect(providerSettings({ ...acme, ACME_SIGN_OUT_AT_PROVIDER: 'OFF' }, 'acme', true)).not.toHaveProperty('signOutAtProvider');
    expect(providerSettings({ KEYCLOAK_PRESET: 'keycloak', KEYCLOAK_BASE_URL: 'https://sso.acme.test', KEYCLOAK_REALM: 'staff', KEYCLOAK_CLIENT_ID: 'k', KEYCLOAK_CLIENT_SECRET: 's', KEYCLOAK_SIGN_OUT_AT_PROVIDER: 'on' }, 'keycloak', true).signOutAtProvider).toBe(true);
    expect(refusal({ ...acme, ACME_SIGN_OUT_AT_PROVIDER: 'yes' }).message).toBe('Configuration error: ACME_SIGN_OUT_AT_PROVIDER must be on or off (got "yes")');
    const explicit = { ...client, ACME_AUTHORIZE_URL: 'https://id.acme.test/authorize', ACME_ACCESS_TOKEN_URL: 'https://id.acme.test/token', ACME_SCOPE: 'read' };
    const error = refusal({ ...explicit, ACME_SIGN_OUT_AT_PROVIDER: 'on' });
    expect(error.variable).toBe('ACME_SIGN_OUT_AT_PROVIDER');
    expect(error.message).toContain('needs OpenID discovery (ACME_ISSUER or ACME_SERVER_METADATA_URL)');
    expect(refusal({ ...github, GITHUB_SIGN_OUT_AT_PROVIDER: 'on' }, 'github').variable).toBe('GITHUB_SIGN_OUT_AT_PROVIDER');
  });

  it('<NAME>_DPOP is on or off (default off, or the preset\'s), and refused with a preset whose API takes the token elsewhere than Authorization', () => {
    const acme = { ...client, ACME_ISSUER: 'https://id.acme.test' };
    expect(providerSettings(acme, 'acme', true)).not.toHaveProperty('dpop');
    expect(providerSettings({ ...acme, ACME_DPOP: 'on' }, 'acme', true).dpop).toBe(true);
    expect(providerSettings({ ...acme, ACME_DPOP: 'off' }, 'acme', true)).not.toHaveProperty('dpop');
    expect(providerSettings({ KEYCLOAK_PRESET: 'keycloak', KEYCLOAK_BASE_URL: 'https://sso.acme.test', KEYCLOAK_REALM: 'staff', KEYCLOAK_CLIENT_ID: 'k', KEYCLOAK_CLIENT_SECRET: 's', KEYCLOAK_DPOP: 'on' }, 'keycloak', true).dpop).toBe(true);
    expect(refusal({ ...acme, ACME_DPOP: 'true' }).message).toBe('Configuration error: ACME_DPOP must be on or off (got "true")');
    const foursquare = refusal({ FOURSQUARE_PRESET: 'foursquare', FOURSQUARE_CLIENT_ID: 'f', FOURSQUARE_CLIENT_SECRET: 's', FOURSQUARE_DPOP: 'on' }, 'foursquare');
    expect(foursquare.variable).toBe('FOURSQUARE_DPOP');
    expect(foursquare.message).toBe('Configuration error: FOURSQUARE_DPOP cannot be on with the foursquare preset, whose API takes the access token elsewhere than as Authorization: Bearer; remove it');
  });

  it('<NAME>_PAR is on or off (default off), and on needs OpenID discovery, whose document names the pushed_authorization_request_endpoint', () => {
    const acme = { ...client, ACME_ISSUER: 'https://id.acme.test' };
    expect(providerSettings(acme, 'acme', true)).not.toHaveProperty('pushedAuthorizationRequests');
    expect(providerSettings({ ...acme, ACME_PAR: 'on' }, 'acme', true).pushedAuthorizationRequests).toBe(true);
    expect(refusal({ ...acme, ACME_PAR: 'yes' }).message).toBe('Configuration error: ACME_PAR must be on or off (got "yes")');
    const explicit = { ...client, ACME_AUTHORIZE_URL: 'https://id.acme.test/authorize', ACME_ACCESS_TOKEN_URL: 'https://id.acme.test/token', ACME_SCOPE: 'read' };
    const error = refusal({ ...explicit, ACME_PAR: 'on' });
    expect(error.variable).toBe('ACME_PAR');
    expect(error.message).toContain('needs OpenID discovery (ACME_ISSUER or ACME_SERVER_METADATA_URL), whose document names the pushed_authorization_request_endpoint');
  });

  it('a PayPal REST API host or an Amazon shopping site or endpoint given as the base URL stops start-up, naming the URL to give', () => {
    const paypal = { ...client, ACME_PRESET: 'paypal' };
    expect(refusal({ ...paypal, ACME_BASE_URL: 'https://api-m.sandbox.paypal.com' }).message).toBe(
      'Configuration error: ACME_BASE_URL is PayPal\'s REST API host: give the site, whose API the preset finds itself, e.g. https://www.sandbox.paypal.com (or leave ACME_BASE_URL unset for production) (got "https://api-m.sandbox.paypal.com")',
    );
    expect(refusal({ ...paypal, ACME_BASE_URL: 'https://api.paypal.com' }).message).toContain('e.g. https://www.paypal.com (or leave');
    expect(providerSettings({ ...paypal, ACME_BASE_URL: 'https://www.sandbox.paypal.com' }, 'acme', true).apiBaseUrl).toBe('https://api-m.sandbox.paypal.com');
    const amazon = { ...client, ACME_PRESET: 'amazon' };
    expect(refusal({ ...amazon, ACME_BASE_URL: 'https://www.amazon.co.uk' }).message).toBe(
      'Configuration error: ACME_BASE_URL is an Amazon shopping site: give the region\'s API host, e.g. https://api.amazon.co.uk (got "https://www.amazon.co.uk")',
    );
    expect(refusal({ ...amazon, ACME_BASE_URL: 'https://api.amazon.co.jp/auth/o2/token' }).message).toContain('give the API host alone, e.g. https://api.amazon.co.jp (got');
    expect(providerSettings({ ...amazon, ACME_BASE_URL: 'https://api.amazon.co.jp' }, 'acme', true).endpoints?.tokenEndpoint).toBe('https://api.amazon.co.jp/auth/o2/token');
  });

  it('a Square base URL with the API’s or OAuth’s path stops start-up, naming the host to give', () => {
    const square = { ...client, ACME_PRESET: 'square' };
    expect(refusal({ ...square, ACME_BASE_URL: 'https://connect.squareupsandbox.com/v2' }).message).toBe(
      'Configuration error: ACME_BASE_URL ends in a path the preset appends itself: give the host alone, e.g. https://connect.squareupsandbox.com (got "https://connect.squareupsandbox.com/v2")',
    );
    expect(refusal({ ...square, ACME_BASE_URL: 'https://connect.squareupsandbox.com/oauth2/authorize' }).variable).toBe('ACME_BASE_URL');
    expect(providerSettings({ ...square, ACME_BASE_URL: 'https://connect.squareupsandbox.com/' }, 'acme', true).endpoints?.tokenEndpoint).toBe('https://connect.squareupsandbox.com/oauth2/token');
  });

  it('<NAME>_REFRESH_TOKEN_IDLE_DAYS replaces the preset’s idle lifetime of refresh tokens (0: none), and anything but whole days up to 1825 is one line naming it', () => {
    const okta = { OKTA_PRESET: 'okta', OKTA_DOMAIN: 'dev-1.okta.com', OKTA_CLIENT_ID: 'id', OKTA_CLIENT_SECRET: 'secret' };
    expect(providerSettings(okta, 'okta', true).refreshTokenIdleSeconds).toBe(7 * 86_400);
    expect(providerSettings({ ...okta, OKTA_REFRESH_TOKEN_IDLE_DAYS: '30' }, 'okta', true).refreshTokenIdleSeconds).toBe(30 * 86_400);
    expect(providerSettings({ ...okta, OKTA_REFRESH_TOKEN_IDLE_DAYS: '0' }, 'okta', true)).not.toHaveProperty('refreshTokenIdleSeconds');
    expect(providerSettings(github, 'github', true)).not.toHaveProperty('refreshTokenIdleSeconds');
    const acme = { ...client, ACME_ISSUER: 'https://id.acme.test' };
    expect(providerSettings({ ...acme, ACME_REFRESH_TOKEN_IDLE_DAYS: '1825' }, 'acme', true).refreshTokenIdleSeconds).toBe(1825 * 86_400);
    for (const bad of ['-1', '2.5', '7d', 'week', '1826']) {
      const error = refusal({ ...acme, ACME_REFRESH_TOKEN_IDLE_DAYS: bad });
      expect(error.variable).toBe('ACME_REFRESH_TOKEN_IDLE_DAYS');
      expect(error.message).toBe(`Configuration error: ACME_REFRESH_TOKEN_IDLE_DAYS must be a whole number of days from 0 (refresh tokens never idle out) to 1825 (got "${bad}")`);
    }
  });

  it('the presets’ documented idle lifetimes of refresh tokens: okta 7 days, keycloak 30, microsoft, atlassian and zoom 90, google 180; none for the rest', () => {
    const idleDays = (preset: string, values: Record<string, string> = {}) =>
      (providerSettings({ X_PRESET: preset, X_CLIENT_ID: 'id', X_CLIENT_SECRET: 'secret', ...values }, 'x', true).refreshTokenIdleSeconds ?? 0) / 86_400;
    expect(idleDays('okta', { X_DOMAIN: 'dev-1.okta.com' })).toBe(7);
    expect(idleDays('keycloak', { X_BASE_URL: 'https://sso.example.com', X_REALM: 'main' })).toBe(30);
    expect(idleDays('microsoft')).toBe(90);
    expect(idleDays('atlassian')).toBe(90);
    expect(idleDays('zoom')).toBe(90);
    expect(idleDays('google')).toBe(180);
    for (const preset of ['github', 'linkedin', 'gitlab', 'slack', 'discord', 'dropbox', 'hubspot']) expect(idleDays(preset), preset).toBe(0);
  });

  it('bad values are named: an unknown preset lists the known ones, an http base URL in production, an unknown auth method', () => {
    expect(refusal({ ...client, ACME_PRESET: 'nope' }).message).toMatch(/^Configuration error: ACME_PRESET names no known preset \(got "nope"; known: .*github.*google/);
    expect(refusal({ ...github, GITHUB_BASE_URL: 'http://github.example.com' }, 'github', true).variable).toBe('GITHUB_BASE_URL');
    expect(refusal({ ...client, ACME_ISSUER: 'https://id.example.com', ACME_TOKEN_ENDPOINT_AUTH_METHOD: 'magic' }).variable).toBe('ACME_TOKEN_ENDPOINT_AUTH_METHOD');
    expect(refusal({ ...client, ACME_PRESET: 'okta', ACME_DOMAIN: 'https://dev-123.okta.com/' }).message).toBe(
      'Configuration error: ACME_DOMAIN is not a valid domain (got "https://dev-123.okta.com/"); give the host name alone, e.g. dev-123.okta.com',
    );
  });

  it('a Shopify store is named by its myshopify.com host: another domain, or the handle alone, stops start-up naming what to give', () => {
    const shop = { ...client, ACME_PRESET: 'shopify' };
    expect(providerSettings({ ...shop, ACME_DOMAIN: 'acme-goods.myshopify.com' }, 'acme', true).endpoints?.tokenEndpoint).toBe('https://acme-goods.myshopify.com/admin/oauth/access_token');
    expect(refusal({ ...shop, ACME_DOMAIN: 'shop.acme.com' }).message).toBe(
      `Configuration error: ACME_DOMAIN is not a Shopify store's myshopify.com host: give {shop}.myshopify.com, e.g. your-store.myshopify.com, as the store's admin shows it (got "shop.acme.com")`,
    );
    expect(refusal({ ...shop, ACME_DOMAIN: 'acme-goods' }).message).toBe(
      `Configuration error: ACME_DOMAIN is not a Shopify store's myshopify.com host: give {shop}.myshopify.com, e.g. acme-goods.myshopify.com (got "acme-goods")`,
    );
    expect(refusal({ ...shop, ACME_DOMAIN: 'evil.myshopify.com.example' }).variable).toBe('ACME_DOMAIN');
    expect(providerSettings({ ...client, ACME_PRESET: 'zendesk', ACME_DOMAIN: 'acme.zendesk.com' }, 'acme', true).endpoints?.tokenEndpoint).toBe('https://acme.zendesk.com/oauth/tokens');
  });

  it("a Mercado Libre country is named by its site's domain, whose auth. host is where its people authorize: another stops start-up naming the sites", () => {
    const meli = { ...client, ACME_PRESET: 'mercadolibre' };
    expect(providerSettings(meli, 'acme', true).endpoints?.authorizationEndpoint).toBe('https://auth.mercadolibre.com.ar/authorization');
    expect(providerSettings({ ...meli, ACME_DOMAIN: 'mercadolivre.com.br' }, 'acme', true).endpoints?.authorizationEndpoint).toBe('https://auth.mercadolivre.com.br/authorization');
    expect(providerSettings({ ...meli, ACME_DOMAIN: 'mercadolibre.com.mx' }, 'acme', true).endpoints?.tokenEndpoint).toBe('https://api.mercadolibre.com/oauth/token');
    for (const domain of ['auth.mercadolibre.com.mx', 'mercadolibre.com.br', 'mercadolibre.com']) {
      const { variable, message } = refusal({ ...meli, ACME_DOMAIN: domain });
      expect(variable).toBe('ACME_DOMAIN');
      expect(message).toBe(`Configuration error: ACME_DOMAIN is not a Mercado Libre country's site: give one of ${MERCADO_LIBRE_SITES.join(', ')} (got "${domain}")`);
    }
  });

  it('<NAME>_PROXY_REQUEST_HEADERS and _PROXY_RESPONSE_HEADERS add header names to the preset’s, lower-case and once each', () => {
    const issuer = { ...client, ACME_ISSUER: 'https://id.example.com' };
    expect(providerSettings(issuer, 'acme', true).proxyHeaders).toBeUndefined();
    const settings = providerSettings({ ...issuer, ACME_PROXY_REQUEST_HEADERS: 'Notion-Version, ,notion-version', ACME_PROXY_RESPONSE_HEADERS: 'X-Request-Id' }, 'acme', true);
    expect(settings.proxyHeaders).toEqual({ request: ['notion-version'], response: ['x-request-id'] });
    const dropbox = providerSettings({ DROPBOX_PRESET: 'dropbox', DROPBOX_CLIENT_ID: 'd', DROPBOX_CLIENT_SECRET: 's', DROPBOX_PROXY_REQUEST_HEADERS: 'X-Trace' }, 'dropbox', true);
    expect(dropbox.proxyHeaders).toEqual({
      request: ['dropbox-api-arg', 'dropbox-api-select-user', 'dropbox-api-select-admin', 'dropbox-api-path-root', 'x-trace'],
      response: ['dropbox-api-result'],
    });
  });

  it('a proxy header that would carry this site’s credentials, or act for its origin, stops start-up in one line naming it', () => {
    const issuer = { ...client, ACME_ISSUER: 'https://id.example.com' };
    const request = (value: string) => refusal({ ...issuer, ACME_PROXY_REQUEST_HEADERS: value }).message;
    const response = (value: string) => refusal({ ...issuer, ACME_PROXY_RESPONSE_HEADERS: value }).message;
    for (const name of ['Authorization', 'cookie', 'Host', 'X-Forwarded-For', 'Sec-Fetch-Site', 'X-CSRF-Token', 'Tokenkeeper-Api-Base', 'Origin']) {
      expect(request(name), name).toBe(
        `Configuration error: ACME_PROXY_REQUEST_HEADERS may not name ${name.toLowerCase()}: it carries this site’s own credentials or connection, never sent to an API`,
      );
    }
    for (const name of [
      'Set-Cookie',
      'Location',
      'Refresh',
      'Content-Security-Policy',
      'Access-Control-Allow-Origin',
      'Cross-Origin-Opener-Policy',
      'Cache-Control',
      'Link',
      // Settings the browser keeps for the whole origin: client hints it sends from now on, its FedCM login status,
      // a device-bound session (DBSC), attribution and topics registrations, and trials or rules for its documents.
      'Accept-CH',
      'Critical-CH',
      'Set-Login',
      'Sec-Session-Registration',
      'Secure-Session-Registration',
      'Attribution-Reporting-Register-Source',
      'Observe-Browsing-Topics',
      'Origin-Trial',
      'Speculation-Rules',
      'Document-Policy',
      'Timing-Allow-Origin',
    ]) {
      expect(response(name), name).toBe(`Configuration error: ACME_PROXY_RESPONSE_HEADERS may not name ${name.toLowerCase()}: it could act for this site’s origin, or the proxy sets it itself`);
    }
    expect(request('Notion Version')).toBe('Configuration error: ACME_PROXY_REQUEST_HEADERS has "Notion Version", which is not a header name (comma-separated names, e.g. Notion-Version)');
  });

  it('other API bases: the presets’ own (GitHub’s uploads host for each kind of GitHub, Google’s hosts, Dropbox’s content host), and <NAME>_EXTRA_API_BASE_URLS adds more', () => {
    expect(providerSettings(github, 'github', true).extraApiBaseUrls).toEqual(['https://uploads.github.com']);
    expect(providerSettings({ ...github, GITHUB_BASE_URL: 'https://github.example.com' }, 'github', true).extraApiBaseUrls).toEqual(['https://github.example.com/api/uploads']);
    expect(providerSettings({ ...github, GITHUB_BASE_URL: 'https://acme.ghe.com' }, 'github', true).extraApiBaseUrls).toEqual(['https://uploads.acme.ghe.com']);
    const google = { GOOGLE_PRESET: 'google', GOOGLE_CLIENT_ID: 'g', GOOGLE_CLIENT_SECRET: 's' };
    expect(providerSettings(google, 'google', true).extraApiBaseUrls).toEqual(['https://*.googleapis.com']);
    const issuer = { ...client, ACME_ISSUER: 'https://id.example.com', ACME_API_BASE_URL: 'https://api.example.com' };
    expect(providerSettings(issuer, 'acme', true).extraApiBaseUrls).toBeUndefined();
    expect(providerSettings({ ...issuer, ACME_EXTRA_API_BASE_URLS: 'https://files.example.com/, https://*.example.net/v1' }, 'acme', true).extraApiBaseUrls).toEqual([
      'https://files.example.com',
      'https://*.example.net/v1',
    ]);
  });

  it('an <NAME>_EXTRA_API_BASE_URLS entry that is no base, or plain http in production, or with no API at all, stops start-up in one line', () => {
    const issuer = { ...client, ACME_ISSUER: 'https://id.example.com', ACME_API_BASE_URL: 'https://api.example.com' };
    const message = (value: string, production = true) => refusal({ ...issuer, ACME_EXTRA_API_BASE_URLS: value }, 'acme', production).message;
    expect(message('files.example.com')).toBe(
      'Configuration error: ACME_EXTRA_API_BASE_URLS has "files.example.com", which is not an absolute http(s) URL (comma-separated API bases, e.g. https://content.dropboxapi.com)',
    );
    expect(message('https://*.com')).toContain('names every host of a top-level domain (*.com)');
    expect(message('https://files.example.com/?key=1')).toContain('may not have a query or fragment');
    expect(message('http://files.example.com')).toBe('Configuration error: ACME_EXTRA_API_BASE_URLS has "http://files.example.com": API bases must use https in production');
    expect(providerSettings({ ...issuer, ACME_EXTRA_API_BASE_URLS: 'http://files.example.com' }, 'acme', false).extraApiBaseUrls).toEqual(['http://files.example.com']);
    const noApi = refusal({ ...client, ACME_ISSUER: 'https://id.example.com', ACME_EXTRA_API_BASE_URLS: 'https://files.example.com' });
    expect(noApi.message).toBe('Configuration error: ACME_EXTRA_API_BASE_URLS is not used without an API base (ACME_API_BASE_URL): set that too, or remove it');
  });

  it('<NAME>_REGIONAL_SERVERS: the zoho preset’s default is every data centre’s accounts server; the variable replaces it with origins, each checked, and any other provider refuses it', () => {
    const zoho = { ZOHO_PRESET: 'zoho', ZOHO_CLIENT_ID: '1000.Z', ZOHO_CLIENT_SECRET: 's' };
    const defaults = providerSettings(zoho, 'zoho', true).regionalServers;
    expect(defaults).toHaveLength(9);
    expect(defaults).toEqual(expect.arrayContaining(['https://accounts.zoho.com', 'https://accounts.zoho.eu', 'https://accounts.zohocloud.ca', 'https://accounts.zoho.com.cn']));
    const listed = providerSettings({ ...zoho, ZOHO_REGIONAL_SERVERS: 'https://accounts.zoho.eu/, https://accounts.zoho.in,https://accounts.zoho.eu' }, 'zoho', true);
    expect(listed.regionalServers).toEqual(['https://accounts.zoho.eu', 'https://accounts.zoho.in']);
    const message = (value: string, production = true) => refusal({ ...zoho, ZOHO_REGIONAL_SERVERS: value }, 'zoho', production).message;
    const example = '(comma-separated origins, e.g. https://accounts.zoho.eu,https://accounts.zoho.in)';
    expect(message('accounts.zoho.eu')).toBe(`Configuration error: ZOHO_REGIONAL_SERVERS has "accounts.zoho.eu", which is not a URL ${example}`);
    expect(message('ftp://accounts.zoho.eu')).toBe(`Configuration error: ZOHO_REGIONAL_SERVERS has "ftp://accounts.zoho.eu", which is not an http(s) URL ${example}`);
    for (const value of ['https://accounts.zoho.eu/oauth/v2', 'https://accounts.zoho.eu?dc=eu', 'https://user:pw@accounts.zoho.eu']) {
      expect(message(value)).toBe(`Configuration error: ZOHO_REGIONAL_SERVERS has "${value}", which is more than an origin: give the scheme and host alone ${example}`);
    }
    expect(message('http://accounts.zoho.eu')).toBe('Configuration error: ZOHO_REGIONAL_SERVERS has "http://accounts.zoho.eu": servers must use https in production');
    expect(providerSettings({ ...zoho, ZOHO_REGIONAL_SERVERS: 'http://127.0.0.1:8080' }, 'zoho', false).regionalServers).toEqual(['http://127.0.0.1:8080']);
    expect(providerSettings(github, 'github', true).regionalServers).toBeUndefined();
    expect(refusal({ ...github, GITHUB_REGIONAL_SERVERS: 'https://github.example.com' }, 'github').message).toBe(
      "Configuration error: GITHUB_REGIONAL_SERVERS is not used: only a provider that names the person's own server beside the code reads it (the acrobat_sign, datadog, lightspeed_x and zoho presets); remove it",
    );
  });

  it('<NAME>_REGIONAL_SERVERS takes https://*. and a domain, one host per account under it, in its normal form; a malformed pattern stops start-up with one line', () => {
    const zoho = { ZOHO_PRESET: 'zoho', ZOHO_CLIENT_ID: '1000.Z', ZOHO_CLIENT_SECRET: 's' };
    const servers = (value: string, production = true) => providerSettings({ ...zoho, ZOHO_REGIONAL_SERVERS: value }, 'zoho', production).regionalServers;
    expect(servers('https://*.Retail.Lightspeed.app/, https://accounts.zoho.eu, https://*.retail.lightspeed.app')).toEqual(['https://*.retail.lightspeed.app', 'https://accounts.zoho.eu']);
    expect(servers('https://*.retail.lightspeed.app:8443')).toEqual(['https://*.retail.lightspeed.app:8443']);
    expect(servers('http://*.stores.localhost:4000', false)).toEqual(['http://*.stores.localhost:4000']);
    const message = (value: string, production = true) => refusal({ ...zoho, ZOHO_REGIONAL_SERVERS: value }, 'zoho', production).message;
    const example = '(https://*. and a domain, for one host per account under it, e.g. https://*.retail.lightspeed.app)';
    const which = (value: string, why: string) => `Configuration error: ZOHO_REGIONAL_SERVERS has "${value}", which ${why} ${example}`;
    for (const value of ['https://*', 'https://a*.retail.lightspeed.app', 'https://*.*.lightspeed.app', 'https://x.*.lightspeed.app', 'https://**.lightspeed.app']) {
      expect(message(value)).toBe(`Configuration error: ZOHO_REGIONAL_SERVERS has "${value}", which may have a star only as its whole first label (https://*.example.com)`);
    }
    expect(message('https://*.app')).toBe(which('https://*.app', 'names every host of a top-level domain (*.app); give a domain under it'));
    expect(message('https://user@*.retail.lightspeed.app')).toBe(which('https://user@*.retail.lightspeed.app', 'may not hold a user name or password'));
    expect(message('https://*.retail.lightspeed.app?x=1')).toBe(which('https://*.retail.lightspeed.app?x=1', 'may not have a query or fragment'));
    expect(message('https://*.retail.lightspeed.app/api')).toBe(which('https://*.retail.lightspeed.app/api', 'is more than an origin: give the scheme and host alone'));
    expect(message('ftp://*.retail.lightspeed.app')).toBe(which('ftp://*.retail.lightspeed.app', 'is not an http(s) URL'));
    expect(message('http://*.retail.lightspeed.app')).toBe('Configuration error: ZOHO_REGIONAL_SERVERS has "http://*.retail.lightspeed.app": servers must use https in production');
    for (const value of ['https://*', 'https://*.app', 'https://*.retail.lightspeed.app/api']) expect(message(value).split('\n')).toHaveLength(1);
  });

  it('every preset’s own proxy headers are lower-case header names the proxies may pass, as a variable’s would have to be', () => {
    for (const [name, preset] of Object.entries(PROVIDER_PRESETS)) {
      const headers = preset.settings({ baseUrl: 'https://example.com', tenant: 'common', domain: 'example.com', realm: 'r', teamId: 'ABCDE12345' }).proxyHeaders;
      for (const direction of ['request', 'response'] as const) {
        for (const header of headers?.[direction] ?? []) {
          expect(header, `${name} ${direction}`).toBe(header.toLowerCase());
          expect(heldHeaderReason(header, direction), `${name} ${direction} ${header}`).toBeUndefined();
        }
      }
    }
  });
});
