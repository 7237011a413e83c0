/**
 * Which command grants a connection again, for doctor's remedies. A Self Client cannot sign in
 * through `login` (it has no redirect URI, so Zoho refuses the authorize request): its user mints
 * a new code in the API console and exchanges it. A Server-based client signs in with `login`,
 * a Non-browser Application (`1004.` ids) with `login --device`.
 *
 * A connection row does not record the flow that made it, so the client tells: `1004.` is a
 * device client; a client stored from a `self_client.json` (`exchange --file`) is a Self Client;
 * a configured `ZOHO_REDIRECT_URI` means a Server-based client (login needs one registered);
 * otherwise the client is taken for a Self Client, the way `exchange` is used.
 */
import type { Connection } from '../../stores/store.js'

export type GrantFlow = 'self_client' | 'server' | 'device'

export interface GrantClues {
  /** The store holds this client from a `self_client.json`. */
  storedFromSelfClientFile: boolean
  /** ZOHO_REDIRECT_URI is set, in the environment or `.env`. */
  redirectConfigured: boolean
}

/** The flow that grants `connection` again, by what its client is known to be. */
export function grantFlowOf(
  connection: Pick<Connection, 'clientId'>,
  clues: GrantClues,
): GrantFlow {
  if (connection.clientId.startsWith('1004.')) return 'device'
  if (clues.storedFromSelfClientFile) return 'self_client'
  return clues.redirectConfigured ? 'server' : 'self_client'
}

/**
 * The command (and for a Self Client, the step before it that mints the code: the API console,
 * or the emulator's control API in emulator mode) that grants `scopes` again.
 */
export function regrantRemedy(
  flow: GrantFlow,
  connectionId: string,
  scopes: string[],
  emulatorURL?: string,
): string {
  const list = scopes.join(',')
  const mint =
    emulatorURL === undefined
      ? 'api-console.zoho.com → Self Client → Generate Code'
      : `the emulator: POST ${emulatorURL}/__emulator/self-client/code`
  switch (flow) {
    case 'self_client':
      return `mint a new code for this Self Client (${mint}, scopes ${list}), then within its minutes: zoho-auth exchange --code CODE --connection ${connectionId} --replace`
    case 'device':
      return `zoho-auth login --device --connection ${connectionId} --scopes ${list}`
    case 'server':
      return `zoho-auth login --connection ${connectionId} --scopes ${list}`
  }
}
