/**
 * A preset configured from the environment as `serve` reads it in production, for the checks that stop start-up
 * with one line naming the variable (a base URL given with a path the preset appends, a missing value).
 */
import { providerSettings } from '../../../src/config/provider-config.js';

export interface PresetInProduction {
  /** `<NAME>_PRESET`, `<NAME>_CLIENT_ID` and `<NAME>_CLIENT_SECRET`. */
  readonly env: Record<string, string>;
  /** The provider's settings with `values` added to `env`. */
  settings(values: Record<string, string>): ReturnType<typeof providerSettings>;
  /** The message start-up stops with for `values` added to `env`; throws when these values start. */
  refusal(values: Record<string, string>): string;
}

export function presetInProduction(preset: string, client: { clientId: string; clientSecret: string }): PresetInProduction {
  const prefix = preset.toUpperCase();
  const env = { [`${prefix}_PRESET`]: preset, [`${prefix}_CLIENT_ID`]: client.clientId, [`${prefix}_CLIENT_SECRET`]: client.clientSecret };
  const settings = (values: Record<string, string>) => providerSettings({ ...env, ...values }, preset, true);
  return {
    env,
    settings,
    refusal: (values) => {
      try {
        settings(values);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`${preset} started with ${JSON.stringify(values)}`);
    },
  };
}
