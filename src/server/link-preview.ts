import type { FastifyRequest } from 'fastify';

/**
 * Fetchers that open a link without a person behind them: chat and social
 * apps building a preview of a pasted link (each names itself in its
 * User-Agent, as documented by Slack, Discord, Microsoft Teams, Meta,
 * X, LinkedIn, Telegram, WhatsApp, Apple iMessage and Google), and search
 * engine crawlers.
 */
const PREVIEW_AGENTS = /Slackbot|Slack-ImgProxy|Discordbot|SkypeUriPreview|MicrosoftPreview|facebookexternalhit|Facebot|meta-externalagent|Twitterbot|LinkedInBot|TelegramBot|WhatsApp|Applebot|Googlebot|Google-PageRenderer|bingbot|Embedly|redditbot|Mastodon|Pinterestbot|vkShare|Iframely/i;

/**
 * True for a request that is not a person opening the page: a link
 * preview or crawler (by its User-Agent), or a browser's speculative
 * prefetch or prerender (`Sec-Purpose: prefetch`, and the older `Purpose`
 * and `X-Moz` headers; Fetch Metadata and Speculation Rules specifications).
 * Such a request must not use up something that works once.
 */
export function isPreviewRequest(request: FastifyRequest): boolean {
  const purpose = `${request.headers['sec-purpose'] ?? ''} ${request.headers.purpose ?? ''} ${request.headers['x-moz'] ?? ''}`;
  if (/prefetch|prerender/i.test(purpose)) return true;
  return PREVIEW_AGENTS.test(request.headers['user-agent'] ?? '');
}
