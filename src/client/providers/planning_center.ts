/**
 * Planning Center (an OAuth application registered by a Planning Center
 * account at https://api.planningcenteronline.com/oauth/applications, the
 * callback among its redirect URIs). Plain OAuth 2.0 authorization code with
 * explicit endpoints; the person is read from the Current API. From Planning
 * Center's developer documentation:
 * - OAuth 2.0 is the way for an app used by many churches; one OAuth
 *   application (one client id and secret) serves every church that connects
 *   (https://api.planningcenteronline.com/docs/overview/authentication);
 * - `GET https://api.planningcenteronline.com/oauth/authorize` with
 *   `client_id`, `redirect_uri`, `response_type=code` and `scope`; the scopes
 *   are the products (`api`, `calendar`, `check_ins`, `giving`, `groups`,
 *   `home`, `people`, `publishing`, `registrations`, `services`), space
 *   separated; `people` is asked by default (`<NAME>_SCOPE` sets others).
 *   The code is exchanged by POSTing it with the client's credentials to
 *   `/oauth/token` (https://api.planningcenteronline.com/docs/overview/authentication,
 *   https://api.planningcenteronline.com/docs/overview/add-ons/oauth);
 * - every request is made on behalf of a user, whose permissions bound the
 *   app's (https://api.planningcenteronline.com/docs/overview/authentication);
 * - the person is `GET /current/v2/me?include=organization`, the Current
 *   API, open to any OAuth application whatever its scopes and the person's
 *   app access, made for telling who the person is and which organization
 *   they are in (https://api.planningcenteronline.com/current/v2/open_api/2018-08-01):
 *   a JSON:API document whose `data` is the Person (`id`, and the attributes
 *   `first_name`, `last_name`, `email`,
 *   https://api.planningcenteronline.com/docs/apps/current/versions/2018-08-01/vertices/person),
 *   the Organization in `included`. An organization is one church, to which
 *   every other record is scoped
 *   (https://api.planningcenteronline.com/docs/apps/people/versions/2025-11-10/vertices/organization),
 *   so the subject is the person's id qualified by the organization's:
 *   `<person id>@<organization id>` (the same human in two churches is two
 *   people there, and two accounts here);
 * - the products' APIs are under https://api.planningcenteronline.com
 *   (`/people/v2`, `/services/v2`…), JSON:API 1.0, the token as Bearer
 *   (https://github.com/planningcenter/developers).
 * Not checked against Planning Center's pages: the token request's form and
 * answer (the client in the form, as the authentication page's summaries
 * describe; `access_token`, `refresh_token`, `expires_in`, `token_type`),
 * the access tokens' lifetime (2 hours assumed), whether a refresh answers a
 * new refresh token and ends the spent one (assumed: the newest is always
 * kept), PKCE (none sent), the token endpoint's error bodies (RFC 6749 §5.2's
 * assumed) and the API's 401 body (JSON:API `errors[]` assumed), whether
 * the e-mail is verified (stored unverified). No revocation endpoint is
 * documented for OAuth tokens (the person removes a connected application in
 * Planning Center): disconnect forgets the tokens here.
 */
import { objectOf, type ProviderPreset } from './preset.js';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

/** A JSON:API resource's id as text (Planning Center sends ids as strings), or undefined. */
function resourceId(resource: Record<string, unknown> | undefined): string | undefined {
  return typeof resource?.id === 'string' ? trimmedText(resource.id) : undefined;
}

/**
 * The Person of `/current/v2/me?include=organization` with the Organization it belongs to: `id` the person's id
 * qualified by the organization's, the names, the e-mail and the organization's name. An answer without a person
 * id or without its organization names no one, and the sign-in fails.
 */
function profileClaims(body: unknown): Record<string, unknown> | undefined {
  const person = objectOf(objectOf(body)?.data);
  const personId = resourceId(person);
  if (!person || !personId || (person.type !== undefined && person.type !== 'Person')) return undefined;
  const related = resourceId(objectOf(objectOf(objectOf(person.relationships)?.organization)?.data));
  const included = objectOf(body)!.included;
  const organization = (Array.isArray(included) ? included : []).map(objectOf).find((resource) => resource?.type === 'Organization' && (related === undefined || resourceId(resource) === related));
  const organizationId = resourceId(organization) ?? related;
  if (!organizationId) return undefined;
  const attributes = objectOf(person.attributes) ?? {};
  return {
    id: `${personId}@${organizationId}`,
    person_id: personId,
    organization_id: organizationId,
    ...textMembers({ name: joinedName(attributes.first_name, attributes.last_name), given_name: attributes.first_name, family_name: attributes.last_name, email: attributes.email, organization: objectOf(organization?.attributes)?.name }),
  };
}

export const planning_center: ProviderPreset = {
  displayName: 'Planning Center',
  settings: () => ({
    endpoints: {
      authorizationEndpoint: 'https://api.planningcenteronline.com/oauth/authorize',
      tokenEndpoint: 'https://api.planningcenteronline.com/oauth/token',
      userinfoEndpoint: 'https://api.planningcenteronline.com/current/v2/me?include=organization',
    },
    scope: 'people',
    apiBaseUrl: 'https://api.planningcenteronline.com',
    tokenEndpointAuthMethod: 'client_secret_post',
    pkce: false,
    subjectClaim: 'id',
    hooks: { profileClaims },
  }),
};
