/**
 * `zoho-auth`: the protocol core, the token manager, the memory store and the key ring, the API
 * client and its recipes, and every error they throw. Database stores live at `zoho-auth/sqlite`
 * and `zoho-auth/postgres`; the emulator at `zoho-auth/emulator`.
 */
export * from './protocol/index.js'
export * from './stores/index.js'
export {
  TokenManager,
  MintBudget,
  mintKey,
  needsRefresh,
  refreshMargin,
  validToken,
  ZOHO_MAX_REFRESH_TOKENS,
} from './tokens/index.js'
export type {
  AccessToken,
  BudgetOptions,
  CreateFromCodeInput,
  ImportRefreshTokenInput,
  OAuthClient,
  RetryOptions,
  TokenEvent,
  TokenManagerOptions,
} from './tokens/index.js'
export * from './tokens/errors.js'
export { loadConfig, ConfigError, ERR_CONFIG } from './config.js'
export type { Config, ConfigFlags, DatabaseConfig } from './config.js'
export * from './api/index.js'
