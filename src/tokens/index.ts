export { TokenManager } from './manager.js'
export type {
  AccessToken,
  BudgetOptions,
  CreateFromCodeInput,
  ImportRefreshTokenInput,
  OAuthClient,
  RetryOptions,
  TokenEvent,
  TokenManagerOptions,
} from './manager.js'
export * from './errors.js'
export { MintBudget, mintKey } from './budget.js'
export type { BudgetDecision, RefreshPriority } from './budget.js'
export {
  canReadCRMUser,
  canReadUserInfo,
  evictedConnections,
  isEvicted,
  needsRefresh,
  refreshMargin,
  validToken,
  ZOHO_MAX_REFRESH_TOKENS,
} from './connection.js'
export type { Connection, ConnectionStatus, NewConnection } from './connection.js'
export { Emitter } from './events.js'
