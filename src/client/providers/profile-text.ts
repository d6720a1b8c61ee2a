/**
 * Reading the text members of a provider's profile answer: a member counts when it is a string with something other
 * than white space in it, and is kept trimmed. The presets' userinfo hooks build their claims from these.
 */

/** `value` trimmed when it is a string with something other than white space in it, else undefined. */
export function trimmedText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The parts that are such strings, trimmed and joined with one space, in their order (a first and a last name);
 * undefined when none is, so that a `??` chain goes on to the next fallback.
 */
export function joinedName(...parts: unknown[]): string | undefined {
  const texts = parts.map(trimmedText).filter((part) => part !== undefined);
  return texts.length > 0 ? texts.join(' ') : undefined;
}

/**
 * Only the members whose value is such a string, trimmed, in their order: `{ id, ...textMembers({ name, email }) }`
 * leaves out a missing, empty or non-string `name` rather than claiming it.
 */
export function textMembers(members: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(members).flatMap(([key, value]) => {
    const text = trimmedText(value);
    return text === undefined ? [] : [[key, text]];
  }));
}
