/**
 * `zoho-auth serve`: the broker on a socket. With no ZOHO_CLIENT_ID it starts in sandbox mode
 * (an emulator in this process, a demo client and users, its own database); with credentials it
 * talks to Zoho, or to ZOHO_EMULATOR_URL. The socket is taken before anything is opened, and a
 * signal stops it gracefully: no new connections, requests in flight finish (bounded), the
 * manager lets its refreshes finish or release their lease, the store closes, exit 0.
 */
import { loadConfig, readEnvironment, type Config } from '../../config.js'
import { resolveAdminToken, adminTokenPath, type AdminToken } from '../../server/admin-token.js'
import { openBroker, type Broker } from '../../server/broker.js'
import { listenBroker } from '../../server/listen.js'
import { startSandbox, type Sandbox } from '../../server/sandbox.js'
import { listenPort, parseFlags } from '../args.js'
import type { Command, CommandContext } from '../command.js'
import { requireClient } from '../runtime.js'
import { realBanner, sandboxBanner } from '../serve-banner.js'

const DEFAULT_PORT = 3001
/**
 * How long requests in flight may take once a stop is asked for. Under the executable's grace
 * (bin/zoho-auth.js, 3 s), so the manager and the store still close and the exit code is 0.
 */
export const DRAIN_MS = 2000

const OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
} as const

function parse(ctx: CommandContext): { port: number; host: string } {
  const { values } = parseFlags(ctx.argv, OPTIONS)
  const port = listenPort(values.port, ctx.env.PORT, DEFAULT_PORT)
  return { port, host: values.host ?? '127.0.0.1' }
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', () => resolve(), { once: true })
  })
}

/** `zoho-auth serve`: the broker (HTTP API, proxy, connect flow, web UI). */
export const serveCommand: Command = {
  name: 'serve',
  usage: `Usage: zoho-auth serve [--port P] [--host H]

Runs the broker: the HTTP API under /api/v1 (tokens, connections, a proxy to Zoho's APIs), the
connect flow (/connect, /oauth/callback), the web UI at /, and /healthz, /readyz, /metrics.

With no ZOHO_CLIENT_ID it starts in sandbox mode: an offline Zoho emulator in this process, a
demo client and demo users, and a database of its own (sandbox.db in the data dir, wiped at
every start). Set ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET to talk to Zoho (see docs/deploy.md).

Options:
  --port P   port to listen on (default: $PORT, else ${DEFAULT_PORT}; 0 picks a free one)
  --host H   address to bind (default: 127.0.0.1; 0.0.0.0 for every interface)

Environment: ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_DC, ZOHO_REDIRECT_URI (its origin is the
broker's public URL; default http://localhost:<port>/oauth/callback), ZOHO_SCOPES,
ZOHO_AUTH_DB (SQLite path or postgres://), ZOHO_AUTH_ENCRYPTION_KEY,
ZOHO_AUTH_ADMIN_TOKEN (else one is generated, kept beside the key file, printed once),
ZOHO_AUTH_ALLOWED_ORIGINS, ZOHO_AUTH_WEBHOOK_URL, ZOHO_AUTH_WEBHOOK_SECRET, ZOHO_EMULATOR_URL.
SIGTERM or Ctrl-C stops it gracefully.`,
  stopsOnSignal: true,
  options: OPTIONS,
  async run(ctx) {
    const { port, host } = parse(ctx)
    const loaded = loadConfig({ env: ctx.env, cwd: ctx.cwd })
    const sandboxMode = loaded.clientId === undefined
    if (!sandboxMode) requireClient(loaded)
    const warn = (message: string): void => ctx.stderr.write(`zoho-auth: warning: ${message}\n`)
    const listening = await listenBroker({ port, host })
    let sandbox: Sandbox | null = null
    let broker: Broker | null = null
    try {
      let config: Config = loaded
      let publicUrl: string | undefined
      if (sandboxMode) {
        publicUrl = `http://localhost:${listening.port}`
        sandbox = await startSandbox({ config: loaded, env: ctx.env, publicUrl })
        config = sandbox.config
        sandbox.notes.forEach(warn)
      } else {
        loaded.warnings.forEach(warn)
        // Without ZOHO_REDIRECT_URI the callback is on this process's own port, not on 3001.
        if (!readEnvironment(ctx.env, ctx.cwd).ZOHO_REDIRECT_URI?.trim()) {
          publicUrl = `http://localhost:${listening.port}`
        }
      }
      const admin: AdminToken = resolveAdminToken({
        configured: config.adminToken,
        path: adminTokenPath(config.keyFilePath, sandboxMode),
      })
      if (admin.warning) warn(admin.warning)
      broker = await openBroker({
        config,
        adminToken: admin.token,
        ...(publicUrl === undefined ? {} : { publicUrl }),
        ...(sandbox === null
          ? {}
          : { keyRing: sandbox.keyRing, sandboxEmulatorUrl: sandbox.emulator.url }),
        onWarning: warn,
      })
      listening.serveApp(broker.app)
      ctx.stdout.write(
        sandbox === null
          ? realBanner({ listenUrl: listening.url, config, settings: broker.deps.settings, admin })
          : sandboxBanner({ listenUrl: listening.url, sandbox, settings: broker.deps.settings }),
      )
      await untilAborted(ctx.signal)
      ctx.stderr.write('zoho-auth: stopping: finishing requests in flight\n')
    } finally {
      await listening.close(DRAIN_MS)
      await broker?.close()
      await sandbox?.close()
    }
    ctx.stdout.write('zoho-auth broker stopped.\n')
    return 0
  },
}
