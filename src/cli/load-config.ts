import { loadConfig, loadDevProviderConfig, type AppConfig, type DevProviderConfig } from '../config/config.js';
import { withDevelopmentSecrets } from '../config/dev-secrets.js';
import { environmentWithDotEnv, readDotEnv, type Environment } from '../config/env-file.js';

/** The configuration for a CLI command: environment over `.env` in the working folder. */
export function configFromEnvironment(env: Environment = process.env, cwd: string = process.cwd()): AppConfig {
  const dotEnv = readDotEnv(cwd);
  return loadConfig(withDevelopmentSecrets({ ...dotEnv, ...env }, cwd), cwd, { fromDotEnv: new Set(Object.keys(dotEnv)) });
}

/** The dev provider's settings, whether or not OAUTH_PROVIDERS is set. */
export function devProviderConfigFromEnvironment(): DevProviderConfig {
  return loadDevProviderConfig(environmentWithDotEnv(process.cwd()));
}
