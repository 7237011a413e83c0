/**
 * `zoho-auth serve` in-process (through runCli, as the executable runs it) with its output kept,
 * a bounded wait for the banner, and a stop that aborts the signal as SIGTERM does.
 */
import { Readable } from 'node:stream'
import { runCli } from '../../src/cli/main.js'

const WAIT_MS = 20_000

export interface ServeBanner {
  /** The address bound, from `zoho-auth broker listening on <url>`. */
  listenUrl: string
  /** The web UI's URL (the broker's public URL and a slash). */
  uiUrl: string
  /** Printed in sandbox mode and when generated; else undefined. */
  adminToken: string | undefined
  emulatorUrl: string | undefined
}

export interface ServeRun {
  readonly stdout: string
  readonly stderr: string
  /** Resolves once the banner is printed; rejects if the command ends first or after 20 s. */
  banner(): Promise<ServeBanner>
  /** Aborts as SIGTERM does and resolves to the exit code. */
  stop(): Promise<number>
  exited: Promise<number>
}

/** Parses the banner out of `text`, or null while it is incomplete. */
export function parseBanner(text: string): ServeBanner | null {
  const listen = /^zoho-auth broker listening on (\S+)/m.exec(text)
  if (!listen?.[1] || !/stops( it)?\.\n/.test(text)) return null
  return {
    listenUrl: listen[1],
    uiUrl: /^ {2}web UI +(\S+)$/m.exec(text)?.[1] ?? '',
    adminToken: /^ {2}admin token +(zat_admin_\S+)$/m.exec(text)?.[1],
    emulatorUrl: /^ {2}emulator +(\S+)/m.exec(text)?.[1],
  }
}

export function serveInProcess(argv: string[], env: Record<string, string | undefined>): ServeRun {
  const controller = new AbortController()
  let stdout = ''
  let stderr = ''
  let ended = false
  const waiters: Array<() => void> = []
  const wake = (): void => {
    for (const waiter of waiters.splice(0)) waiter()
  }
  const exited = runCli(['serve', ...argv], {
    env,
    cwd: env.HOME ?? process.cwd(),
    stdout: { write: (s) => ((stdout += s), wake()) },
    stderr: { write: (s) => ((stderr += s), wake()) },
    stdin: Readable.from([]),
    signal: controller.signal,
  }).finally(() => {
    ended = true
    wake()
  })
  return {
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    exited,
    banner: async () => {
      const deadline = Date.now() + WAIT_MS
      for (;;) {
        const parsed = parseBanner(stdout)
        if (parsed) return parsed
        const left = deadline - Date.now()
        if (ended || left <= 0) {
          throw new Error(
            `no banner ${ended ? 'before serve ended' : `within ${WAIT_MS} ms`}; stdout:\n${stdout}\nstderr:\n${stderr}`,
          )
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left)
          waiters.push(() => (clearTimeout(timer), resolve()))
        })
      }
    },
    stop: () => {
      controller.abort('SIGTERM')
      return exited
    },
  }
}
