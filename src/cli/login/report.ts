/** What login tells the person at the end: who connected, in which data centre, under what name. */
import type { Connection } from '../../stores/store.js'

/** "ada@example.com (ZUID 123…)", or as much of it as the grant let us find out. */
export function whoConnected(connection: Connection): string {
  if (connection.email !== null && connection.zuid !== null) {
    return `${connection.email} (ZUID ${connection.zuid})`
  }
  return connection.email ?? (connection.zuid !== null ? `ZUID ${connection.zuid}` : 'a Zoho user')
}

export function loginReport(connection: Connection, previous: Connection | null): string {
  const unknown =
    connection.email === null && connection.zuid === null
      ? '\n  (Who signed in is unknown: add AaaServer.profile.READ or ZohoCRM.users.READ to --scopes to see it.)'
      : ''
  const replaced =
    previous === null
      ? ''
      : ` It replaces the previous grant of "${connection.id}"${
          previous.email !== null && previous.email !== connection.email
            ? ` (${previous.email})`
            : ''
        }.`
  const scopes = connection.scopes.length > 0 ? connection.scopes.join(',') : 'unknown'
  return `Logged in to Zoho as ${whoConnected(connection)} in data centre ${connection.dc}.
Connection "${connection.id}" saved: API ${connection.apiDomain}, scopes ${scopes}.${replaced}${unknown}
`
}
