/** How connections are shown to people and scripts: every field but the secrets. */
import type { Connection } from '../stores/store.js'

export interface ConnectionSummary {
  id: string
  clientId: string
  dc: string
  accountsServer: string
  apiDomain: string
  scopes: string[]
  zuid: string | null
  email: string | null
  status: string
  lastError: string | null
  accessTokenExpiresAt: string | null
  createdAt: string
  updatedAt: string
}

export function connectionSummary(connection: Connection): ConnectionSummary {
  const iso = (ms: number | null): string | null =>
    ms === null ? null : new Date(ms).toISOString()
  return {
    id: connection.id,
    clientId: connection.clientId,
    dc: connection.dc,
    accountsServer: connection.accountsServer,
    apiDomain: connection.apiDomain,
    scopes: connection.scopes,
    zuid: connection.zuid,
    email: connection.email,
    status: connection.status,
    lastError: connection.lastError,
    accessTokenExpiresAt: iso(connection.accessTokenExpiresAt),
    createdAt: iso(connection.createdAt) ?? '',
    updatedAt: iso(connection.updatedAt) ?? '',
  }
}

/** One line after a connection is created. */
export function describeConnection(connection: Connection): string {
  const who = connection.email ?? (connection.zuid ? `user ${connection.zuid}` : 'unknown user')
  const scopes = connection.scopes.length > 0 ? connection.scopes.join(',') : 'scopes unknown'
  return `Connection "${connection.id}" saved: ${who} in ${connection.dc} (${connection.apiDomain}), ${scopes}`
}

function expiry(connection: Connection, now: number): string {
  if (connection.accessTokenExpiresAt === null) return '-'
  const seconds = Math.round((connection.accessTokenExpiresAt - now) / 1000)
  return seconds > 0 ? `in ${Math.ceil(seconds / 60)} min` : 'expired'
}

export function connectionTable(connections: Connection[], now: number): string {
  if (connections.length === 0) {
    return 'No connections yet. Create one with `zoho-auth exchange --code CODE` or `zoho-auth import`.\n'
  }
  const header = ['NAME', 'DC', 'USER', 'STATUS', 'TOKEN', 'SCOPES']
  const rows = connections.map((c) => [
    c.id,
    c.dc,
    c.email ?? c.zuid ?? '-',
    c.status,
    expiry(c, now),
    c.scopes.join(',') || '-',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')
  const problems = connections
    .filter((c) => c.status !== 'active' && c.lastError)
    .map((c) => `  ${c.id}: ${c.lastError}`)
  return [
    line(header),
    ...rows.map(line),
    ...(problems.length ? ['', 'Problems:', ...problems] : []),
    '',
  ].join('\n')
}

/** `connections show`: one field a line, every field but the tokens. */
export function connectionDetails(connection: Connection, now: number, isDefault: boolean): string {
  const fields: Array<[string, string]> = [
    ['Name', `${connection.id}${isDefault ? ' (default)' : ''}`],
    ['Status', connection.status],
    ['Data centre', connection.dc],
    ['User', connection.email ?? connection.zuid ?? 'unknown'],
    ['Zoho user id', connection.zuid ?? '-'],
    ['Scopes', connection.scopes.join(',') || '-'],
    ['Access token', expiry(connection, now) === '-' ? 'none cached' : expiry(connection, now)],
    ['API domain', connection.apiDomain],
    ['Accounts server', connection.accountsServer],
    ['Client id', connection.clientId],
    ['Last error', connection.lastError ?? '-'],
    ['Created', new Date(connection.createdAt).toISOString()],
    ['Updated', new Date(connection.updatedAt).toISOString()],
  ]
  const width = Math.max(...fields.map(([label]) => label.length))
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}\n`).join('')
}
