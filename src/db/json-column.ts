// JSON is stored as text in both dialects. These helpers keep the parse in one
// place so a corrupt value is reported with the table and column it came from.

export type JsonObject = Record<string, unknown>;

export function parseJsonObject(text: string, where: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where} holds invalid JSON`, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where} holds JSON that is not an object`);
  }
  return value as JsonObject;
}

export function stringifyJsonObject(value: JsonObject): string {
  return JSON.stringify(value);
}
