/** "in 4 min", "2 h ago": a duration relative to now, for token expiry and refresh times. */
export function relativeTime(epochSeconds: number, now: number): string {
  const delta = epochSeconds - now;
  const abs = Math.abs(delta);
  // A webhook's next attempt or a token's expiry a few seconds ahead is still ahead.
  if (abs < 5) return delta > 0 ? 'in a few seconds' : 'just now';
  const [amount, unit] =
    abs < 60 ? [abs, 's'] : abs < 3600 ? [Math.round(abs / 60), 'min'] : abs < 86_400 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86_400), 'd'];
  return delta >= 0 ? `in ${amount} ${unit}` : `${amount} ${unit} ago`;
}

/** "2026-12-05 06:00:00 UTC"; a time no Date holds (past the year 275760) as it is, instead of failing the page. */
export function absoluteTime(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  // Expiries are kept up to the year 9999 (client/token-set.ts), but a row may hold one stored before they were.
  if (Number.isNaN(date.getTime())) return `${epochSeconds} s after 1970, beyond any date`;
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
