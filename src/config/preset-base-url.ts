/**
 * `<NAME>_BASE_URL` values that name more than the server: a URL copied from
 * the provider's pages (Keycloak's issuer, GitLab's or GitHub Enterprise
 * Server's API) where the preset wants the server alone and appends the rest
 * itself, so discovery would fetch `…/realms/acme/realms/acme/…` and fail
 * with a 404 that names nothing. Each answers the problem, or undefined.
 */
const MISTAKES: Readonly<Record<string, (path: string, prefix: string) => string | undefined>> = {
  // https://www.keycloak.org/securing-apps/oidc-layers: the issuer is {server}/realms/{realm}.
  keycloak: (path, prefix) => {
    const realm = /\/realms\/([^/]+)\/?$/.exec(path);
    return realm ? `ends in the realm's path (/realms/${realm[1]}): give the server alone, and the realm as ${prefix}_REALM` : undefined;
  },
  // https://docs.gitlab.com/api/rest/: the REST API is {instance}/api/v4.
  gitlab: (path) => (/\/api\/v4\/?$/.test(path) ? 'ends in the REST API\'s path (/api/v4): give the instance\'s URL alone' : undefined),
  // https://docs.github.com/en/enterprise-server@latest/rest: the REST API is {host}/api/v3.
  github: (path) => (/\/api\/v3\/?$/.test(path) ? 'ends in the REST API\'s path (/api/v3): give the server\'s URL alone' : undefined),
};

/** What is wrong with this preset's base URL, as the end of a one-line message (with the URL to give), or undefined. */
export function presetBaseUrlProblem(presetName: string, baseUrl: string, prefix: string): string | undefined {
  const check = Object.hasOwn(MISTAKES, presetName) ? MISTAKES[presetName] : undefined;
  const url = new URL(baseUrl);
  const problem = check?.(url.pathname, prefix);
  if (problem === undefined) return undefined;
  const server = url.origin + url.pathname.replace(/\/(realms\/[^/]+|api\/v[34])\/?$/, '');
  return `${problem}, e.g. ${server} (got "${baseUrl}")`;
}
