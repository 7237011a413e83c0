/**
 * Sandbox mode: with no ZOHO_CLIENT_ID, `zoho-auth serve` brings its own Zoho. The emulator
 * runs in this process on its own loopback port — not mounted in the broker's app, because its
 * layout (`/{dc}/accounts`, `/{dc}/api`, `/__emulator/`) needs the root of an origin, and
 * because the broker then reaches it over HTTP exactly as it reaches Zoho (the path
 * `ZOHO_EMULATOR_URL` takes), so what a person clicks through is what production runs.
 *
 * A server client is registered with the broker's real redirect URI, the demo users are seeded,
 * and connections go to a database of their own (`sandbox.db` in the data dir), wiped at every
 * start: the emulator forgets its grants when it stops, so rows from an earlier run could only
 * ever answer "needs re-auth", and sandbox rows must never mix with real ones.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config.js'
import { startEmulator, type DemoData, type RunningEmulator } from '../emulator/index.js'
import { DATA_CENTER_LOCATIONS } from '../protocol/data-centers.js'
import { KeyRing, generateEncryptionKey } from '../stores/crypto.js'
import { defaultDataDir, type Env } from '../stores/paths.js'

export interface Sandbox {
  emulator: RunningEmulator
  demo: DemoData
  /** The broker's config: the sandbox client, the emulator's DCs, the sandbox database. */
  config: Config
  /** A key ring of this run only (the database it protects is wiped at the next start). */
  keyRing: KeyRing
  databasePath: string
  /** Things the person should know (a setting that sandbox mode ignores). */
  notes: string[]
  close(): Promise<void>
}

/** `sandbox.db` in the data dir (`$XDG_DATA_HOME/zoho-auth/`), apart from the real database. */
export function sandboxDatabasePath(env: Env): string {
  return join(defaultDataDir(env), 'sandbox.db')
}

/** Starts the emulator and returns the config the broker runs with against it. */
export async function startSandbox(options: {
  config: Config
  env: Env
  /** The broker's public URL; its `/oauth/callback` is registered at the emulator. */
  publicUrl: string
  seed?: number
}): Promise<Sandbox> {
  const emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    demo: true,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  })
  try {
    const demo = emulator.emulator.demo()
    if (demo === undefined) throw new Error('the emulator seeded no demo data')
    const client = await registerServerClient(emulator, `${options.publicUrl}/oauth/callback`)
    const databasePath = sandboxDatabasePath(options.env)
    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      rmSync(`${databasePath}${suffix}`, { force: true })
    }
    const notes: string[] = []
    if (options.config.database.kind === 'postgres' || options.env.ZOHO_AUTH_DB) {
      notes.push(
        `ZOHO_AUTH_DB is ignored in sandbox mode (the sandbox keeps its own ${databasePath}); set ZOHO_CLIENT_ID to use it`,
      )
    }
    return {
      emulator,
      demo,
      config: {
        ...options.config,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        dcSecrets: {},
        redirectURI: `${options.publicUrl}/oauth/callback`,
        database: { kind: 'sqlite', path: databasePath },
        emulatorURL: emulator.url,
        emulatorSource: undefined,
      },
      keyRing: KeyRing.parse(generateEncryptionKey(), { source: 'the sandbox key of this run' }),
      databasePath,
      notes,
      close: () => emulator.close(),
    }
  } catch (error) {
    await emulator.close()
    throw error
  }
}

async function registerServerClient(
  emulator: RunningEmulator,
  redirectURI: string,
): Promise<{ clientId: string; clientSecret: string }> {
  const response = await emulator.emulator.fetch(
    new Request(`${emulator.url}/__emulator/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'server',
        redirect_uris: [redirectURI],
        dcs: DATA_CENTER_LOCATIONS,
      }),
    }),
  )
  const body = (await response.json()) as Record<string, unknown>
  if (
    !response.ok ||
    typeof body.client_id !== 'string' ||
    typeof body.client_secret !== 'string'
  ) {
    throw new Error(`the emulator refused the sandbox client: ${JSON.stringify(body)}`)
  }
  return { clientId: body.client_id, clientSecret: body.client_secret }
}
