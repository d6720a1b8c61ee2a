import { describe, expect, it } from 'vitest';
import { findPreset, PROVIDER_PRESETS, type PresetValues } from './index.js';
import { withoutTrailingSlash } from './preset.js';

/** A value for each template variable a preset may read. */
const VALUES: PresetValues = { baseUrl: 'https://id.acme.test/', tenant: 'contoso.onmicrosoft.com', domain: 'acme.example.com', realm: 'staff', audience: 'https://api.acme.test', userPoolId: 'eu-west-1_AbCdEf123' };

describe('provider presets', () => {
  it.each(Object.keys(PROVIDER_PRESETS))('%s names one way to find its endpoints, https URLs only, a scope and a display name', (name) => {
    const preset = findPreset(name)!;
    const settings = preset.settings(VALUES);
    expect(preset.displayName).not.toBe('');
    // Notion has no scopes (the person picks the pages to share); Box grants the scopes configured for the app when none is
    // asked, Bitbucket those ticked on the consumer, Pipedrive those set on the app in Developer Hub, Intercom those
    // ticked on the app in its Developer Hub, Miro those ticked on the app, Gusto those given to the app, Kakao the consent items set on the app, Yandex the rights set on the app, RingCentral the permissions set on the app, Attio the scopes set on the app (it has no scope parameter), Salesloft those chosen on the OAuth application (it has no scope parameter), and Front those set on the app; Mailchimp has
    // none, nor has ClickUp (the person picks Workspaces instead), nor SoundCloud's OAuth 2.1, nor Nextcloud's OAuth2 app, nor ownCloud's, nor Phorge's OAuth Server (its page leaves scopes unwritten), nor Basecamp's Launchpad (a grant reaches all the person's accounts), nor Eventbrite (a token reaches all the person can), nor Foursquare (a token acts as the person, on Foursquare and Swarm alike), nor Procore (a grant reaches what the person reaches in Procore), nor Trakt (its tokens say `public`), nor Naver (the person consents to the profile items set on the application), nor AniList (a token reaches almost all of the person's data), nor Bungie.net (the scope is set on the application and must not be asked), nor Canvas LMS (a developer key that does not enforce scopes grants the person's access), nor Ride with GPS (every token's scope is `user`), nor FreeAgent (the user's permission level bounds the app), nor Close (the OAuth app's scopes are granted), nor Dailymotion (without a scope it grants the user's public data), nor Imgur (a grant reaches the user's account), nor a Snyk App (its scopes are fixed when it is created), nor Podio by default (the syntax of its scope string could not be confirmed from its pages; PODIO_SCOPE sets one), nor Stack Exchange (reading who signed in needs no scope, and it advises against `no_expiry`), nor SurveyMonkey (the scopes are set on the app, and its authorization request has no scope parameter), nor Netlify (its OAuth applications have no scopes: a token acts as the person), nor Raindrop.io (its applications have no scopes), nor Zeplin (its authorization takes no scope), nor Datadog (the scopes are chosen on the OAuth client, and its authorization request takes none), nor Nylas (the connector's scopes are granted when none is asked), nor Enphase (the application's plan and access controls say what it reads), nor Mattermost (a token does what the person may do), nor PlanetScale (the access scopes are chosen on the OAuth application), nor MyAnimeList (its authorization request has no scope parameter), nor Simkl (a token's scope is `public`), nor Sketchfab (its authorization request names no scope; the token answer says what was granted), nor Onshape (the person grants what the OAuth application was registered for), nor Clio Manage (the person grants the access permissions the application was created with), nor Backlog (it has no scopes: the application acts with the person's rights in the space), nor Meetup (its authorization page names no scopes), nor Monzo (it has no scope parameter: the person approves the access in the Monzo app), nor Clever (the scopes are managed through the application's configuration), nor Upwork (it has no scope parameter: the permissions are those chosen for the API key), nor SavvyCal (its OAuth names no scopes: a token acts as the person), nor Remote (its authorization page takes the client and the redirect URI: the token manages the company that granted it), nor signNow (its authorization link takes no scope; the token endpoint's default, `*`, reaches every endpoint), nor Alpaca (a token asked no scope is read-only), nor Questrade (its pages name no scopes), nor PropelAuth (its authorization request has no scope parameter), nor ArcGIS Online (its user sign-in has no scopes: a token acts as the user), nor Bitrix24 (the permissions are those in the application's card), nor iNaturalist (an authorization that names no scope is granted its defaults, `write login`), nor Quip (the permissions are those of the admin's API key), nor Teamwork.com (its App Login Flow names no scopes: a token reaches what the person reaches), nor Teamleader Focus (the scopes are those ticked on the integration, and its authorization request has no scope parameter), nor Exact Online (an app's rights are set on it in the App Center, and its authorization request has no scope parameter), nor Jobber (the app is granted the scopes set on it in the Developer Center), nor LiveChat (the scopes are those chosen for the app in Developer Console; its authorization request has no scope parameter), nor Starling Bank (its authorization takes no scope: the permissions are those chosen for the application), nor Wise (its authorization takes no scope; a token's scope is `transfers`), nor Harvest (the OAuth2 application's Multi Account and Products settings, and the person's pick, say which accounts a grant reaches), nor Polar AccessLink (its example client asks none: a token reads all the data the person shares with the client), nor Weibo (its scopes are optional extras the basic API does not need), nor pCloud (its authorization takes no scope: a token reaches the person's files), nor Aha! (it names no scopes: a token acts with the person's own permissions), nor QQ Connect (without a scope it asks for get_user_info, its default), nor GetResponse (its OAuth names no scopes: a token reaches the account that granted it), nor Mercado Pago (its authorization URL takes no scope: the application's own scopes are granted), nor freee (its authorization request takes no scope: the app's rights are set on it in the app store), nor DigiLocker (its authorization request has no scope parameter: the person authorizes the partner's access to their locker), nor Saxo Bank (its OAuth does not use scope), nor Samsara (an app's scopes are set on it, and every install gets them), nor Edlink (its OAuth 2.0 SSO names no scopes: what an application sees is set by its integrations' sharing), nor Resideo (its authorization request names no scope: the person consents to the access the app is given), nor an MCP server (its scopes are its own, which its resource metadata or its 401 names: <NAME>_SCOPE asks for some); WordPress.com's default is a token for the one site the person picks.
    if (!['notion', 'box', 'bitbucket', 'pipedrive', 'mailchimp', 'intercom', 'clickup', 'miro', 'soundcloud', 'gusto', 'kakao', 'yandex', 'nextcloud', 'ringcentral', 'basecamp', 'eventbrite', 'procore', 'wordpress', 'attio', 'front', 'trakt', 'naver', 'helpscout', 'anilist', 'bungie', 'canvas', 'ridewithgps', 'freeagent', 'close', 'dailymotion', 'imgur', 'snyk', 'podio', 'stackexchange', 'surveymonkey', 'netlify', 'raindrop', 'zeplin', 'datadog', 'nylas', 'enphase', 'mattermost', 'planetscale', 'myanimelist', 'simkl', 'salesloft', 'foursquare', 'sketchfab', 'onshape', 'clio', 'backlog', 'meetup', 'monzo', 'clever', 'goto', 'dropbox_sign', 'teamviewer', 'upwork', 'quip', 'savvycal', 'bitrix24', 'signnow', 'alpaca', 'questrade', 'propelauth', 'remote', 'inaturalist', 'owncloud', 'phorge', 'arcgis', 'teamwork', 'teamleader', 'exact_online', 'jobber', 'livechat', 'starling', 'wise', 'harvest', 'polar', 'weibo', 'pcloud', 'aha', 'qq', 'getresponse', 'allegro', 'mercadopago', 'freee', 'digilocker', 'saxo', 'samsara', 'edlink', 'resideo', 'mcp'].includes(name)) expect(settings.scope).toMatch(/\S/);
    expect([settings.discovery, settings.endpoints].filter((way) => way !== undefined)).toHaveLength(1);
    const urls = [
      // The issuer or metadata URL; `wellKnown` names which metadata the issuer has.
      ...Object.entries(settings.discovery ?? {}).filter(([key]) => key !== 'wellKnown').map(([, url]) => url),
      ...Object.values(settings.endpoints ?? {}),
      ...(settings.apiBaseUrl ? [settings.apiBaseUrl] : []),
    ];
    for (const url of urls) expect(new URL(url).protocol).toBe('https:');
  });

  it('findPreset knows only the presets, not what every object has', () => {
    expect(findPreset('github')?.displayName).toBe('GitHub');
    expect(findPreset('toString')).toBeUndefined();
    expect(findPreset('nope')).toBeUndefined();
  });

  it('GitHub and GitHub Enterprise Server (its API under /api/v3)', () => {
    expect(findPreset('github')!.settings({})).toMatchObject({
      endpoints: { issuer: 'https://github.com/login/oauth', tokenEndpoint: 'https://github.com/login/oauth/access_token', userinfoEndpoint: 'https://api.github.com/user' },
      apiBaseUrl: 'https://api.github.com',
    });
    expect(findPreset('github')!.settings({ baseUrl: 'https://ghe.acme.test//' })).toMatchObject({
      endpoints: { issuer: 'https://ghe.acme.test/login/oauth', userinfoEndpoint: 'https://ghe.acme.test/api/v3/user' },
      apiBaseUrl: 'https://ghe.acme.test/api/v3',
    });
  });

  it('GitHub Enterprise Cloud with data residency (SUBDOMAIN.ghe.com): its API is on its own host, api.SUBDOMAIN.ghe.com, not under /api/v3', () => {
    expect(findPreset('github')!.settings({ baseUrl: 'https://octocorp.ghe.com/' })).toMatchObject({
      endpoints: {
        issuer: 'https://octocorp.ghe.com/login/oauth',
        authorizationEndpoint: 'https://octocorp.ghe.com/login/oauth/authorize',
        tokenEndpoint: 'https://octocorp.ghe.com/login/oauth/access_token',
        userinfoEndpoint: 'https://api.octocorp.ghe.com/user',
      },
      apiBaseUrl: 'https://api.octocorp.ghe.com',
    });
  });

  it('GitLab.com by default, a self-managed instance by its base URL', () => {
    expect(findPreset('gitlab')!.settings({})).toMatchObject({ discovery: { issuer: 'https://gitlab.com' }, apiBaseUrl: 'https://gitlab.com/api/v4' });
    expect(findPreset('gitlab')!.settings({ baseUrl: 'https://git.acme.test/' })).toMatchObject({ discovery: { issuer: 'https://git.acme.test' }, apiBaseUrl: 'https://git.acme.test/api/v4' });
  });

  it('Keycloak’s issuer is the realm under the base URL, the realm encoded', () => {
    expect(findPreset('keycloak')!.settings({ baseUrl: 'https://sso.acme.test/auth/', realm: 'my realm' })).toMatchObject({
      discovery: { issuer: 'https://sso.acme.test/auth/realms/my%20realm' },
      apiBaseUrl: 'https://sso.acme.test/auth/realms/my%20realm',
    });
  });

  it('Okta’s default authorization server, Auth0’s tenant with its trailing slash and optional audience', () => {
    expect(findPreset('okta')!.settings({ domain: 'dev-1.okta.com' })).toMatchObject({ discovery: { issuer: 'https://dev-1.okta.com/oauth2/default' } });
    expect(findPreset('auth0')!.settings({ domain: 'acme.eu.auth0.com' })).toEqual(expect.objectContaining({ discovery: { issuer: 'https://acme.eu.auth0.com/' } }));
    expect(findPreset('auth0')!.settings({ domain: 'acme.eu.auth0.com' })).not.toHaveProperty('authorizationParams');
    expect(findPreset('auth0')!.settings({ domain: 'a.auth0.com', audience: 'https://api.acme.test' }).authorizationParams).toEqual({ audience: 'https://api.acme.test' });
  });

  it('Microsoft’s tenant, common by default', () => {
    expect(findPreset('microsoft')!.settings({}).discovery).toEqual({ issuer: 'https://login.microsoftonline.com/common/v2.0' });
    expect(findPreset('microsoft')!.settings({ tenant: 'organizations' }).discovery).toEqual({ issuer: 'https://login.microsoftonline.com/organizations/v2.0' });
  });

  it('Salesforce’s per-connection API must be on its domains or the login host', () => {
    expect(findPreset('salesforce')!.settings({}).connectionApiBase).toEqual({ member: 'instance_url', domains: ['salesforce.com', 'force.com', 'salesforce.mil', 'cloudforce.com', 'login.salesforce.com'] });
    expect(findPreset('salesforce')!.settings({ baseUrl: 'https://acme.my.salesforce.com/' })).toMatchObject({
      discovery: { issuer: 'https://acme.my.salesforce.com' },
      connectionApiBase: { domains: expect.arrayContaining(['acme.my.salesforce.com']) },
    });
  });

  it('DocuSign’s account server is production’s, or the developer environment’s from BASE_URL; its API, each connection’s, is on docusign.net only', () => {
    expect(findPreset('docusign')!.settings({})).toMatchObject({
      endpoints: { authorizationEndpoint: 'https://account.docusign.com/oauth/auth', tokenEndpoint: 'https://account.docusign.com/oauth/token', userinfoEndpoint: 'https://account.docusign.com/oauth/userinfo' },
      connectionApiBase: { profileMember: 'api_base', domains: ['docusign.net'] },
    });
    expect(findPreset('docusign')!.settings({ baseUrl: 'https://account-d.docusign.com/' }).endpoints).toMatchObject({
      authorizationEndpoint: 'https://account-d.docusign.com/oauth/auth',
      tokenEndpoint: 'https://account-d.docusign.com/oauth/token',
      userinfoEndpoint: 'https://account-d.docusign.com/oauth/userinfo',
    });
  });

  it('Amazon’s token endpoint and profile are North America’s, or a region’s API host from BASE_URL; the sign-in page stays www.amazon.com’s', () => {
    expect(findPreset('amazon')!.settings({})).toMatchObject({
      endpoints: { authorizationEndpoint: 'https://www.amazon.com/ap/oa', tokenEndpoint: 'https://api.amazon.com/auth/o2/token', userinfoEndpoint: 'https://api.amazon.com/user/profile' },
      apiBaseUrl: 'https://api.amazon.com',
    });
    expect(findPreset('amazon')!.settings({ baseUrl: 'https://api.amazon.co.uk/' })).toMatchObject({
      endpoints: { authorizationEndpoint: 'https://www.amazon.com/ap/oa', tokenEndpoint: 'https://api.amazon.co.uk/auth/o2/token', userinfoEndpoint: 'https://api.amazon.co.uk/user/profile' },
      apiBaseUrl: 'https://api.amazon.co.uk',
    });
  });

  it('PayPal’s site and REST API are production’s, or the sandbox’s from BASE_URL; a stand-in’s API is its own origin', () => {
    expect(findPreset('paypal')!.settings({})).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://www.paypal.com/signin/authorize',
        tokenEndpoint: 'https://api-m.paypal.com/v1/oauth2/token',
        userinfoEndpoint: 'https://api-m.paypal.com/v1/identity/oauth2/userinfo?schema=paypalv1.1',
      },
      apiBaseUrl: 'https://api-m.paypal.com',
    });
    expect(findPreset('paypal')!.settings({ baseUrl: 'https://www.sandbox.paypal.com/' })).toMatchObject({
      endpoints: {
        authorizationEndpoint: 'https://www.sandbox.paypal.com/signin/authorize',
        tokenEndpoint: 'https://api-m.sandbox.paypal.com/v1/oauth2/token',
        userinfoEndpoint: 'https://api-m.sandbox.paypal.com/v1/identity/oauth2/userinfo?schema=paypalv1.1',
      },
      apiBaseUrl: 'https://api-m.sandbox.paypal.com',
    });
    expect(findPreset('paypal')!.settings({ baseUrl: 'http://127.0.0.1:4010' }).endpoints).toMatchObject({ tokenEndpoint: 'http://127.0.0.1:4010/v1/oauth2/token' });
  });

  it('withoutTrailingSlash removes every trailing slash and nothing else', () => {
    expect(withoutTrailingSlash('https://host///')).toBe('https://host');
    expect(withoutTrailingSlash('https://host/a')).toBe('https://host/a');
  });
});
