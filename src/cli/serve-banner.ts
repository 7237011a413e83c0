/**
 * What `zoho-auth serve` prints once it answers: where the UI is, how to sign in, and what it
 * talks to. The first line is always `zoho-auth broker listening on <url>`, so scripts and tests
 * wait for it.
 */
import type { Config } from '../config.js'
import type { AdminToken } from '../server/admin-token.js'
import type { BrokerSettings } from '../server/deps.js'
import type { Sandbox } from '../server/sandbox.js'

/** The password of a postgres:// URL never reaches the terminal. */
function shownDatabase(config: Config): string {
  return config.database.kind === 'sqlite'
    ? `SQLite ${config.database.path}`
    : `PostgreSQL ${config.database.url.replace(/\/\/[^@/]*@/, '//****@')}`
}

function adminLine(admin: AdminToken): string {
  switch (admin.source) {
    case 'environment':
      return 'from ZOHO_AUTH_ADMIN_TOKEN'
    case 'generated':
      return `${admin.token}\n                  generated now and kept in ${admin.path} (0600); shown only this once`
    case 'file':
      return `kept in ${admin.path} (\`cat\` it to see it)`
  }
}

export function realBanner(options: {
  listenUrl: string
  config: Config
  settings: BrokerSettings
  admin: AdminToken
}): string {
  const { listenUrl, config, settings, admin } = options
  const zoho =
    config.emulatorURL === undefined
      ? `Zoho's data centres (home DC ${config.dc})`
      : `the emulator at ${config.emulatorURL} (ZOHO_EMULATOR_URL), not Zoho`
  return `zoho-auth broker listening on ${listenUrl}
  web UI          ${settings.publicUrl}/
  redirect URI    ${settings.redirectUri}   (register exactly this for the client at Zoho)
  talks to        ${zoho}
  database        ${shownDatabase(config)}
  admin token     ${adminLine(admin)}
  API             ${settings.publicUrl}/api/v1 (described at /api/v1/openapi.json)
SIGTERM or Ctrl-C stops it.
`
}

export function sandboxBanner(options: {
  listenUrl: string
  sandbox: Sandbox
  settings: BrokerSettings
}): string {
  const { listenUrl, sandbox, settings } = options
  const url = settings.publicUrl
  const users = sandbox.demo.users.map((u) => `${u.email} (${u.dc})`).join(', ')
  const link = JSON.stringify({ connection: 'demo' })
  return `zoho-auth broker listening on ${listenUrl} (sandbox mode: no ZOHO_CLIENT_ID, so an offline Zoho stands in)
  web UI          ${url}/
  browser demo    ${url}/demo/browser/   (a client-based app on zoho-auth/browser, both modes)
  admin token     ${settings.adminToken}
  emulator        ${sandbox.emulator.url}   (every DC's accounts server and API; control API at /__emulator/)
  database        SQLite ${sandbox.databasePath} (sandbox only, wiped at every start)

Connect a demo account: open ${url}/, sign in with the admin token, choose Connect, and approve
on the emulator's consent page as one of the demo users: ${users}.
Or from a shell:
  curl -s -X POST ${url}/api/v1/connect-links -H 'authorization: Bearer ${settings.adminToken}' -H 'content-type: application/json' -d '${link}'
and open the "url" it answers with; then
  curl -s -H 'authorization: Bearer ${settings.adminToken}' ${url}/api/v1/connections/demo/token
To use real Zoho, set ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET (docs/deploy.md). Ctrl-C stops.
`
}
