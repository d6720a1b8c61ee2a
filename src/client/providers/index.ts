import { github } from './github.js';
import { google } from './google.js';
import { microsoft } from './microsoft.js';
import type { ProviderPreset } from './preset.js';

export { PRESET_VALUE_VARIABLES, type PresetSettings, type PresetValueName, type PresetValues, type ProviderPreset } from './preset.js';

/** Presets by the name `<NAME>_PRESET` takes. */
export const PROVIDER_PRESETS: Readonly<Record<string, ProviderPreset>> = { github, google, microsoft };

export function findPreset(name: string): ProviderPreset | undefined {
  return Object.hasOwn(PROVIDER_PRESETS, name) ? PROVIDER_PRESETS[name] : undefined;
}
