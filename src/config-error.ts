/** The one error loadConfig throws: which setting, what is wrong with it, what to do. */
import { ZohoAuthError } from './protocol/errors.js'

export const ERR_CONFIG = 'ERR_CONFIG'

/** A setting is missing or malformed. */
export class ConfigError extends ZohoAuthError {
  override name = 'ConfigError'
  constructor(message: string, remedy: string) {
    super(ERR_CONFIG, message, { remedy })
  }
}
