import { adobe } from './adobe.js';
import { airtable } from './airtable.js';
import { amazon } from './amazon.js';
import { anilist } from './anilist.js';
import { apple } from './apple.js';
import { asana } from './asana.js';
import { asgardeo } from './asgardeo.js';
import { atlassian } from './atlassian.js';
import { attio } from './attio.js';
import { auth0 } from './auth0.js';
import { authelia } from './authelia.js';
import { autodesk } from './autodesk.js';
import { aweber } from './aweber.js';
import { azure_ad_b2c } from './azure_ad_b2c.js';
import { authentik } from './authentik.js';
import { bitbucket } from './bitbucket.js';
import { basecamp } from './basecamp.js';
import { battlenet } from './battlenet.js';
import { box } from './box.js';
import { brex } from './brex.js';
import { bungie } from './bungie.js';
import { calendly } from './calendly.js';
import { canva } from './canva.js';
import { canvas } from './canvas.js';
import { casdoor } from './casdoor.js';
import { clickup } from './clickup.js';
import { close } from './close.js';
import { coinbase } from './coinbase.js';
import { cognito } from './cognito.js';
import { constantcontact } from './constantcontact.js';
import { cronofy } from './cronofy.js';
import { dailymotion } from './dailymotion.js';
import { datadog } from './datadog.js';
import { dex } from './dex.js';
import { dexcom } from './dexcom.js';
import { dialpad } from './dialpad.js';
import { digitalocean } from './digitalocean.js';
import { discord } from './discord.js';
import { docusign } from './docusign.js';
import { dropbox } from './dropbox.js';
import { duende } from './duende.js';
import { ebay } from './ebay.js';
import { enphase } from './enphase.js';
import { entra_external_id } from './entra_external_id.js';
import { etsy } from './etsy.js';
import { eventbrite } from './eventbrite.js';
import { eveonline } from './eveonline.js';
import { facebook } from './facebook.js';
import { feishu } from './feishu.js';
import { figma } from './figma.js';
import { fitbit } from './fitbit.js';
import { freeagent } from './freeagent.js';
import { freshbooks } from './freshbooks.js';
import { front } from './front.js';
import { gitea } from './gitea.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { glewlwyd } from './glewlwyd.js';
import { google } from './google.js';
import { gusto } from './gusto.js';
import { helpscout } from './helpscout.js';
import { heroku } from './heroku.js';
import { highlevel } from './highlevel.js';
import { hubspot } from './hubspot.js';
import { imgur } from './imgur.js';
import { instagram } from './instagram.js';
import { intercom } from './intercom.js';
import { kakao } from './kakao.js';
import { kanidm } from './kanidm.js';
import { keap } from './keap.js';
import { keycloak } from './keycloak.js';
import { kick } from './kick.js';
import { kinde } from './kinde.js';
import { kit } from './kit.js';
import { klaviyo } from './klaviyo.js';
import { lichess } from './lichess.js';
import { lightspeed_x } from './lightspeed_x.js';
import { line } from './line.js';
import { lemonldap } from './lemonldap.js';
import { linear } from './linear.js';
import { linkedin } from './linkedin.js';
import { linode } from './linode.js';
import { logto } from './logto.js';
import { mailchimp } from './mailchimp.js';
import { mas } from './mas.js';
import { mastodon } from './mastodon.js';
import { mattermost } from './mattermost.js';
import { mercadolibre } from './mercadolibre.js';
import { microsoft } from './microsoft.js';
import { miro } from './miro.js';
import { mollie } from './mollie.js';
import { monday } from './monday.js';
import { naver } from './naver.js';
import { neon } from './neon.js';
import { netlify } from './netlify.js';
import { nextcloud } from './nextcloud.js';
import { notion } from './notion.js';
import { nylas } from './nylas.js';
import { okta } from './okta.js';
import { onelogin } from './onelogin.js';
import { ory } from './ory.js';
import { osu } from './osu.js';
import { oura } from './oura.js';
import { outreach } from './outreach.js';
import { pagerduty } from './pagerduty.js';
import { pandadoc } from './pandadoc.js';
import { patreon } from './patreon.js';
import { paypal } from './paypal.js';
import { pingam } from './pingam.js';
import { pingone } from './pingone.js';
import { pinterest } from './pinterest.js';
import { pipedrive } from './pipedrive.js';
import { planetscale } from './planetscale.js';
import { podio } from './podio.js';
import { procore } from './procore.js';
import { quickbooks } from './quickbooks.js';
import { raindrop } from './raindrop.js';
import { railway } from './railway.js';
import { reddit } from './reddit.js';
import { ridewithgps } from './ridewithgps.js';
import { ringcentral } from './ringcentral.js';
import { roblox } from './roblox.js';
import { sage } from './sage.js';
import { salesforce } from './salesforce.js';
import { sap_cloud_identity } from './sap_cloud_identity.js';
import { sentry } from './sentry.js';
import { shopify } from './shopify.js';
import { slack } from './slack.js';
import { smartsheet } from './smartsheet.js';
import { smartthings } from './smartthings.js';
import { snyk } from './snyk.js';
import { soundcloud } from './soundcloud.js';
import { spotify } from './spotify.js';
import { square } from './square.js';
import { stackexchange } from './stackexchange.js';
import { startgg } from './startgg.js';
import { strava } from './strava.js';
import { stripe } from './stripe.js';
import { stytch } from './stytch.js';
import { surveymonkey } from './surveymonkey.js';
import { tesla } from './tesla.js';
import { threads } from './threads.js';
import { tidal } from './tidal.js';
import { tiktok } from './tiktok.js';
import { todoist } from './todoist.js';
import { trakt } from './trakt.js';
import { tumblr } from './tumblr.js';
import { twitch } from './twitch.js';
import { typeform } from './typeform.js';
import { uber } from './uber.js';
import { vercel } from './vercel.js';
import { vimeo } from './vimeo.js';
import { vipps } from './vipps.js';
import { wahoo } from './wahoo.js';
import { webex } from './webex.js';
import { webflow } from './webflow.js';
import { whoop } from './whoop.js';
import { wikimedia } from './wikimedia.js';
import { withings } from './withings.js';
import { wordpress } from './wordpress.js';
import { workos } from './workos.js';
import { wrike } from './wrike.js';
import { wso2is } from './wso2is.js';
import { x } from './x.js';
import { xero } from './xero.js';
import { yahoo } from './yahoo.js';
import { yahoo_japan } from './yahoo_japan.js';
import { yandex } from './yandex.js';
import { zendesk } from './zendesk.js';
import { zoho } from './zoho.js';
import { zeplin } from './zeplin.js';
import { zitadel } from './zitadel.js';
import { zoom } from './zoom.js';
import type { ProviderPreset } from './preset.js';

export { PRESET_VALUE_VARIABLES, type PresetClient, type PresetSettings, type PresetValueName, type PresetValues, type ProviderPreset } from './preset.js';

/**
 * Presets by the name `<NAME>_PRESET` takes.
 *
 * @example
 * const names = Object.keys(PROVIDER_PRESETS); // ['airtable', 'apple', 'asana', …]
 */
export const PROVIDER_PRESETS: Readonly<Record<string, ProviderPreset>> = { adobe, airtable, amazon, anilist, apple, asana, asgardeo, atlassian, attio, auth0, authelia, authentik, autodesk, aweber, azure_ad_b2c, basecamp, battlenet, bitbucket, box, brex, bungie, calendly, canva, canvas, casdoor, clickup, close, coinbase, cognito, constantcontact, cronofy, dailymotion, datadog, dex, dexcom, dialpad, digitalocean, discord, docusign, dropbox, duende, ebay, enphase, entra_external_id, etsy, eventbrite, eveonline, facebook, feishu, figma, fitbit, freeagent, freshbooks, front, gitea, github, gitlab, glewlwyd, google, gusto, helpscout, heroku, highlevel, hubspot, imgur, instagram, intercom, kakao, kanidm, keap, keycloak, kick, kinde, kit, klaviyo, lichess, lightspeed_x, line, lemonldap, linear, linkedin, linode, logto, mailchimp, mas, mastodon, mattermost, mercadolibre, microsoft, miro, mollie, monday, naver, neon, netlify, nextcloud, notion, nylas, okta, onelogin, ory, osu, oura, outreach, pandadoc, pagerduty, patreon, paypal, pingam, pingone, pinterest, pipedrive, planetscale, podio, procore, quickbooks, railway, raindrop, reddit, ridewithgps, ringcentral, roblox, sage, salesforce, sap_cloud_identity, sentry, shopify, slack, smartsheet, smartthings, snyk, soundcloud, spotify, square, stackexchange, startgg, strava, stripe, stytch, surveymonkey, tesla, threads, tidal, tiktok, todoist, trakt, tumblr, twitch, typeform, uber, vercel, vimeo, vipps, wahoo, webex, webflow, whoop, wikimedia, withings, wordpress, workos, wrike, wso2is, x, xero, yahoo, yahoo_japan, yandex, zendesk, zeplin, zitadel, zoho, zoom };

/**
 * The preset of that name (as `<NAME>_PRESET` or `providers.<name>.preset`
 * take it), or undefined; only the presets' own names, never inherited keys.
 *
 * @example
 * const preset = findPreset('gitlab');
 * if (preset) {
 *   const settings = preset.settings({ baseUrl: 'https://gitlab.example.com' });
 *   console.log(preset.displayName, settings.scope);
 * }
 */
export function findPreset(name: string): ProviderPreset | undefined {
  return Object.hasOwn(PROVIDER_PRESETS, name) ? PROVIDER_PRESETS[name] : undefined;
}
