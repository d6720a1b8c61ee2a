/** "in 4 min", "2 h ago": a duration relative to now, for token expiry and refresh times. */
export function relativeTime(epochSeconds: number, now: number): string {
  const delta = epochSeconds - now;
  const abs = Math.abs(delta);
  if (abs < 5) return 'just now';
  const [amount, unit] =
    abs < 60 ? [abs, 's'] : abs < 3600 ? [Math.round(abs / 60), 'min'] : abs < 86_400 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86_400), 'd'];
  return delta >= 0 ? `in ${amount} ${unit}` : `${amount} ${unit} ago`;
}

export function absoluteTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
