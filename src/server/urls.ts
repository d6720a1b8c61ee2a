/** The redirect URI to register at the provider: `<BASE_URL>/auth/<name>/callback`. */
export function redirectUri(baseUrl: URL, provider: string): string {
  return new URL(`/auth/${encodeURIComponent(provider)}/callback`, baseUrl).toString();
}
