/**
 * `<NAME>_BASE_URL` values that name more than the server: a URL copied from
 * the provider's pages (Keycloak's issuer, GitLab's or GitHub Enterprise
 * Server's API) where the preset wants the server alone and appends the rest
 * itself, so discovery would fetch `…/realms/acme/realms/acme/…` and fail
 * with a 404 that names nothing. Each answers the problem, or undefined.
 */
/** The server alone, for the message: the URL without the path the preset appends itself. */
const serverOf = (url: URL) => url.origin + url.pathname.replace(/\/(realms\/[^/]+|api\/v[134])\/?$/, '');

const MISTAKES: Readonly<Record<string, (url: URL, prefix: string) => string | undefined>> = {
  // https://www.keycloak.org/securing-apps/oidc-layers: the issuer is {server}/realms/{realm}.
  keycloak: (url, prefix) => {
    const realm = /\/realms\/([^/]+)\/?$/.exec(url.pathname);
    return realm ? `ends in the realm's path (/realms/${realm[1]}): give the server alone, and the realm as ${prefix}_REALM, e.g. ${serverOf(url)}` : undefined;
  },
  // https://docs.gitlab.com/api/rest/: the REST API is {instance}/api/v4.
  gitlab: (url) => (/\/api\/v4\/?$/.test(url.pathname) ? `ends in the REST API's path (/api/v4): give the instance's URL alone, e.g. ${serverOf(url)}` : undefined),
  // https://docs.gitea.com/development/api-usage: the REST API is {instance}/api/v1 (Forgejo's too).
  gitea: (url) => (/\/api\/v1\/?$/.test(url.pathname) ? `ends in the REST API's path (/api/v1): give the instance's URL alone, e.g. ${serverOf(url)}` : undefined),
  // https://docs.nextcloud.com/server/latest/admin_manual/configuration_server/oauth2.html: the preset wants the server
  // (with its sub-path) and appends /index.php/apps/oauth2/…, /ocs/v2.php/… and finds WebDAV's /remote.php/dav itself.
  nextcloud: (url) => {
    const appended = /\/(index\.php|remote\.php|ocs\/v[12]\.php|apps\/oauth2)(\/|$)/.exec(url.pathname);
    return appended ? `ends in a path the preset appends itself (/${appended[1]}): give the server's URL alone, e.g. ${url.origin}${url.pathname.slice(0, appended.index)}` : undefined;
  },
  // https://docs.joinmastodon.org/methods/oauth/: the preset wants the instance and appends /oauth/…, and the REST
  // API's /api/v1/…; a profile's URL (https://mastodon.social/@ada) names a person, not the instance.
  mastodon: (url) => {
    const appended = /\/(@[^/]*|api|oauth)(\/|$)/.exec(url.pathname);
    return appended ? `ends in a path the preset appends itself, or a profile's (/${appended[1]}): give the instance's URL alone, e.g. ${url.origin}${url.pathname.slice(0, appended.index)}` : undefined;
  },
  // https://zitadel.com/docs/apis/openidoauth/endpoints: the instance is the issuer; the preset finds /oauth/v2/…,
  // /oidc/v1/… and the discovery document under it, and its APIs (/auth/v1, /management/v1, /v2…) are called there.
  zitadel: (url) => {
    const appended = /\/(oauth\/v2|oidc\/v1|\.well-known|ui\/(?:console|login|v2)|auth\/v1|management\/v1|admin\/v1|v2)(\/|$)/.exec(url.pathname);
    return appended ? `ends in a path the preset appends itself (/${appended[1]}): give the instance's URL alone, e.g. ${url.origin}${url.pathname.slice(0, appended.index)}` : undefined;
  },
  // https://docs.logto.io/quick-starts/passport: the issuer is {endpoint}/oidc, its endpoints under it; the preset
  // wants the endpoint alone (the Console's "Logto endpoint"), and its Management and Account APIs are under /api.
  logto: (url) => {
    const appended = /\/(oidc|api)(\/|$)/.exec(url.pathname);
    return appended ? `ends in a path the preset appends itself (/${appended[1]}): give the Logto endpoint alone, e.g. ${url.origin}${url.pathname.slice(0, appended.index)}` : undefined;
  },
  // https://www.authelia.com/integration/openid-connect/introduction/#endpoint-implementations: the root URL is the
  // issuer; the preset finds /api/oidc/… and /jwks.json through the discovery document under it.
  authelia: (url) => {
    const appended = /\/(api\/oidc|\.well-known|jwks\.json)(\/|$)/.exec(url.pathname);
    return appended ? `ends in a path the preset appends itself (/${appended[1]}): give Authelia's root URL alone, e.g. ${url.origin}${url.pathname.slice(0, appended.index)}` : undefined;
  },
  // https://pocket-id.org/docs/setup/connect-an-app: APP_URL is the issuer; the preset finds /authorize, /api/oidc/…
  // and /.well-known/… through the discovery document under it.
  pocketid: (url) => {
    const appended = /\/(api\/oidc|authorize|\.well-known)(\/|$)/.exec(url.pathname);
    return appended ? `ends in a path the preset appends itself (/${appended[1]}): give Pocket ID's APP_URL alone, e.g. ${url.origin}${url.pathname.slice(0, appended.index)}` : undefined;
  },
  // https://is.docs.wso2.com/en/latest/guides/authentication/oidc/discover-oidc-configs/: the issuer is
  // {server}/oauth2/token, which the preset makes; the other endpoints are /oauth2/…, /oidc/… and /scim2/….
  wso2is: (url) => {
    const appended = /\/(oauth2|oidc|scim2|\.well-known)(\/|$)/.exec(url.pathname);
    return appended ? `ends in a path the preset appends itself (/${appended[1]}): give the server's URL alone, whose issuer the preset makes, e.g. ${url.origin}${url.pathname.slice(0, appended.index)}` : undefined;
  },
  // https://docs.pingidentity.com/pingam/8/am-oidc1/rest-api-oidc-userinfo-endpoint.html: the issuer is
  // {deployment}/oauth2/realms/root/realms/{realm}, which the preset makes from the deployment (with its path, /am) and
  // the realm; the realm's URL copied from an endpoint would make …/oauth2/realms/root/realms/alpha/oauth2/….
  pingam: (url, prefix) => {
    const appended = /\/(oauth2|\.well-known)(\/|$)/.exec(url.pathname);
    return appended ? `ends in a path the preset appends itself (/${appended[1]}): give the deployment's URL alone, with its path, and the realm as ${prefix}_REALM, e.g. ${url.origin}${url.pathname.slice(0, appended.index)}` : undefined;
  },
  // https://kanidm.github.io/kanidm/stable/integrations/oauth2.html: each client's issuer is
  // {origin}/oauth2/openid/{client id}, which the preset makes; the other endpoints are /oauth2/… and /ui/oauth2.
  kanidm: (url, prefix) => {
    const appended = /\/(oauth2|ui)(\/|$)/.exec(url.pathname);
    return appended ? `ends in a path the preset appends itself (/${appended[1]}): give the server's origin alone, whose client issuer the preset makes from ${prefix}_CLIENT_ID, e.g. ${url.origin}${url.pathname.slice(0, appended.index)}` : undefined;
  },
  // https://casdoor.org/docs/how-to-connect/oidc-client: the origin is the issuer; the preset finds /login/oauth/…,
  // /api/… and /.well-known/… (an application's own discovery among them) through the discovery document there.
  casdoor: (url) => {
    const appended = /\/(login|api|\.well-known)(\/|$)/.exec(url.pathname);
    return appended ? `ends in a path the preset appends itself (/${appended[1]}): give Casdoor's origin alone, e.g. ${url.origin}${url.pathname.slice(0, appended.index)}` : undefined;
  },
  // https://docs.goauthentik.io/providers/oauth2/: the issuer is {server}/application/o/{slug}/ and the
  // endpoints /application/o/…, which the preset appends to the server itself.
  authentik: (url, prefix) => {
    const appended = /\/application\/o(?:\/([^/]+))?(\/|$)/.exec(url.pathname);
    if (!appended) return undefined;
    const slug = appended[1] && !['authorize', 'token', 'userinfo', 'revoke', 'introspect', 'device'].includes(appended[1]) ? `, and the slug as ${prefix}_APPLICATION_SLUG (${appended[1]})` : '';
    return `ends in a path the preset appends itself (/application/o): give the server alone${slug}, e.g. ${url.origin}${url.pathname.slice(0, appended.index)}`;
  },
  // https://docs.github.com/en/enterprise-server@latest/rest: the REST API is {host}/api/v3. For github.com the
  // preset needs no base URL; its API host there would make sign-in go to api.github.com/login/oauth.
  github: (url, prefix) => {
    if (url.host === 'api.github.com') return `is GitHub's API host: for github.com leave ${prefix}_BASE_URL unset (it names a GitHub Enterprise Server)`;
    return /\/api\/v3\/?$/.test(url.pathname) ? `ends in the REST API's path (/api/v3): give the server's URL alone, e.g. ${serverOf(url)}` : undefined;
  },
  // https://developer.paypal.com/api/rest/: the preset wants the site (www.sandbox.paypal.com) and finds its REST API
  // (api-m.…) itself; given the API host, sign-in would go to api-m.sandbox.paypal.com/signin/authorize.
  paypal: (url, prefix) => {
    const api = /^api(?:-m)?\.((?:sandbox\.)?paypal\.com)$/.exec(url.host);
    return api ? `is PayPal's REST API host: give the site, whose API the preset finds itself, e.g. https://www.${api[1]} (or leave ${prefix}_BASE_URL unset for production)` : undefined;
  },
  // https://developer.amazon.com/docs/amazon-data-portability/lwa-access-token.html: the preset wants the region's
  // API host (api.amazon.co.uk) and appends /auth/o2/token and /user/profile itself.
  amazon: (url) => {
    const site = /^www\.amazon\.(co\.uk|co\.jp|com)$/.exec(url.host);
    if (site) return `is an Amazon shopping site: give the region's API host, e.g. https://api.amazon.${site[1]}`;
    return url.pathname !== '/' && /\/(auth\/o2\/token|user\/profile)\/?$/.test(url.pathname) ? `ends in a path the preset appends itself: give the API host alone, e.g. ${url.origin}` : undefined;
  },
  // https://developer.squareup.com/docs/oauth-api/overview: the preset wants the host (connect.squareupsandbox.com) and
  // appends /oauth2/… and the API's /v2 itself; given either path, sign-in would go to …/v2/oauth2/authorize.
  square: (url) =>
    url.pathname !== '/' && /^\/(v2|oauth2)(\/|$)/.test(url.pathname) ? `ends in a path the preset appends itself: give the host alone, e.g. ${url.origin}` : undefined,
};

/** What is wrong with this preset's base URL, as the end of a one-line message (with the URL to give), or undefined. */
export function presetBaseUrlProblem(presetName: string, baseUrl: string, prefix: string): string | undefined {
  const check = Object.hasOwn(MISTAKES, presetName) ? MISTAKES[presetName] : undefined;
  const problem = check?.(new URL(baseUrl), prefix);
  return problem === undefined ? undefined : `${problem} (got "${baseUrl}")`;
}
