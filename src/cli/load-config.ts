import { loadConfig, loadDevProviderConfig, type AppConfig, type DevProviderConfig } from '../config/config.js';
import { environmentWithDotEnv } from '../config/env-file.js';

/** The configuration for a CLI command: environment over `.env` in the working folder. */
export function configFromEnvironment(): AppConfig {
  const cwd = process.cwd();
  return loadConfig(environmentWithDotEnv(cwd), cwd);
}

/** The dev provider's settings, whether or not OAUTH_PROVIDERS is set. */
export function devProviderConfigFromEnvironment(): DevProviderConfig {
  return loadDevProviderConfig(environmentWithDotEnv(process.cwd()));
}
