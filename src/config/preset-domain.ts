import { FEISHU_DOMAINS } from '../client/providers/feishu.js';
import { MERCADO_LIBRE_SITES } from '../client/providers/mercadolibre.js';
import { PINGONE_AUTH_HOSTS } from '../client/providers/pingone.js';

/**
 * `<NAME>_DOMAIN` values a preset cannot use, though they are host names:
 * a store's own domain where the provider's OAuth and API answer only on the
 * host it gave the store, or a marketplace's country whose site is not one of
 * the provider's. Each answers the problem, or undefined.
 */
const MISTAKES: Readonly<Record<string, (domain: string) => string | undefined>> = {
  // https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant: authorization,
  // the token and the Admin API are on https://{shop}.myshopify.com, the store's permanent host, never its own domain.
  shopify: (domain) => {
    if (/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i.test(domain)) return undefined;
    const example = domain.includes('.') ? "your-store.myshopify.com, as the store's admin shows it" : `${domain}.myshopify.com`;
    return `is not a Shopify store's myshopify.com host: give {shop}.myshopify.com, e.g. ${example}`;
  },
  // https://open.feishu.cn/document/common-capabilities/sso/api/obtain-oauth-code: the open platform is Feishu's
  // feishu.cn or Lark's larksuite.com, each with its accounts. and open. hosts, which the preset puts before it.
  feishu: (domain) => (FEISHU_DOMAINS.includes(domain.toLowerCase()) ? undefined : `is not Feishu's or Lark's domain: give ${FEISHU_DOMAINS.join(' or ')}`),
  // https://developers.mercadolibre.com.ar/en_us/authentication-and-authorization: each country's people authorize on
  // auth. of their own site's domain; a host of another is not a Mercado Libre site, nor is `auth.` itself.
  mercadolibre: (domain) =>
    MERCADO_LIBRE_SITES.includes(domain.toLowerCase()) ? undefined : `is not a Mercado Libre country's site: give one of ${MERCADO_LIBRE_SITES.join(', ')}`,
  // https://docs.pingidentity.com/pingone/integrations/p1_discovery_document_uri.html: an environment's issuer is on its
  // region's auth.pingone.<region> host; one on a custom domain has its issuer given whole (<NAME>_ISSUER).
  // https://developers.cloudflare.com/cloudflare-one/applications/configure-apps/saas-apps/generic-oidc-saas/: an OIDC
  // SaaS application's issuer and endpoints are on the team domain, <team>.cloudflareaccess.com, not on the app's own.
  cloudflare_access: (domain) =>
    /^[a-z0-9][a-z0-9-]*\.cloudflareaccess\.com$/i.test(domain) ? undefined : 'is not a Cloudflare Zero Trust team domain: give <team-name>.cloudflareaccess.com',
  pingone: (domain) =>
    PINGONE_AUTH_HOSTS.includes(domain.toLowerCase()) ? undefined : `is not a PingOne region's host: give one of ${PINGONE_AUTH_HOSTS.join(', ')} (a custom domain: set the issuer instead)`,
};

/** What is wrong with this preset's domain, as the end of a one-line message (with the value to give), or undefined. */
export function presetDomainProblem(presetName: string, domain: string): string | undefined {
  const check = Object.hasOwn(MISTAKES, presetName) ? MISTAKES[presetName] : undefined;
  const problem = check?.(domain);
  return problem === undefined ? undefined : `${problem} (got "${domain}")`;
}
