/**
 * Request counters, overall, per DC and per client: what benchmarks read to prove a client made
 * one refresh per burst rather than one per caller.
 */
import { DCS, type Dc } from './dcs.js'

export type Grant = 'authorization_code' | 'refresh_token' | 'client_credentials' | 'device_token'

export type Counter = 'revoke' | 'device_code' | 'user_info' | 'authorize' | 'api'

export interface StatsCounts {
  token_endpoint: Record<Grant, number>
  token_errors: Record<string, number>
  revoke: number
  device_code: number
  user_info: number
  authorize: number
  api: number
}

export interface EmulatorStats extends StatsCounts {
  by_dc: Record<string, StatsCounts>
  by_client: Record<string, StatsCounts>
}

/** Error codes listed (at zero) before they happen, so tests can read them without guarding. */
const KNOWN_ERRORS = [
  'invalid_code',
  'invalid_client',
  'invalid_client_secret',
  'invalid_redirect_uri',
  'Access Denied',
  'missing_org_info',
  'unsupported_grant_type',
  'invalid_request',
  'invalid_scope',
  'authorization_pending',
  'slow_down',
  'access_denied',
  'expired',
  'other_dc',
]

function emptyCounts(): StatsCounts {
  return {
    token_endpoint: {
      authorization_code: 0,
      refresh_token: 0,
      client_credentials: 0,
      device_token: 0,
    },
    token_errors: Object.fromEntries(KNOWN_ERRORS.map((e) => [e, 0])),
    revoke: 0,
    device_code: 0,
    user_info: 0,
    authorize: 0,
    api: 0,
  }
}

function clone(counts: StatsCounts): StatsCounts {
  return {
    ...counts,
    token_endpoint: { ...counts.token_endpoint },
    token_errors: { ...counts.token_errors },
  }
}

export interface Stats {
  /** A token endpoint request with a known grant type. */
  grant(grant: Grant, dc: Dc, clientId: string | undefined): void
  tokenError(error: string, dc: Dc, clientId: string | undefined): void
  count(counter: Counter, dc: Dc, clientId: string | undefined): void
  /** Makes a client appear in `by_client` before its first request. */
  track(clientId: string): void
  snapshot(): EmulatorStats
  reset(): void
}

export function createStats(): Stats {
  let total = emptyCounts()
  let byDc = new Map<string, StatsCounts>()
  let byClient = new Map<string, StatsCounts>()
  const targets = (dc: Dc, clientId: string | undefined): StatsCounts[] => {
    const list = [total]
    let perDc = byDc.get(dc)
    if (!perDc) byDc.set(dc, (perDc = emptyCounts()))
    list.push(perDc)
    if (clientId) {
      let perClient = byClient.get(clientId)
      if (!perClient) byClient.set(clientId, (perClient = emptyCounts()))
      list.push(perClient)
    }
    return list
  }
  const reset = (): void => {
    const clients = [...byClient.keys()]
    total = emptyCounts()
    byDc = new Map(DCS.map((dc) => [dc, emptyCounts()]))
    byClient = new Map(clients.map((id) => [id, emptyCounts()]))
  }
  reset()
  return {
    grant(grant, dc, clientId) {
      for (const c of targets(dc, clientId)) c.token_endpoint[grant]++
    },
    tokenError(error, dc, clientId) {
      for (const c of targets(dc, clientId))
        c.token_errors[error] = (c.token_errors[error] ?? 0) + 1
    },
    count(counter, dc, clientId) {
      for (const c of targets(dc, clientId)) c[counter]++
    },
    track(clientId) {
      if (!byClient.has(clientId)) byClient.set(clientId, emptyCounts())
    },
    snapshot() {
      return {
        ...clone(total),
        by_dc: Object.fromEntries([...byDc].map(([k, v]) => [k, clone(v)])),
        by_client: Object.fromEntries([...byClient].map(([k, v]) => [k, clone(v)])),
      }
    },
    reset,
  }
}
