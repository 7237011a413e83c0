/**
 * Driving `zoho-auth login` the way a person does, without a person: read the URL (or device
 * code) it prints, approve at the emulator, follow the redirect to the loopback listener.
 * Works for an in-process run and for the spawned binary alike; every wait is bounded.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { runCli } from '../../src/cli/main.js'
import type { CliRun } from './cli.js'

export const BIN = fileURLToPath(new URL('../../bin/zoho-auth.js', import.meta.url))
const WAIT_MS = 15_000

/** A port nobody listens on right now (the kernel picks it), for ZOHO_REDIRECT_URI. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Output of a running login, with a bounded wait for a line to appear in stderr. */
class Transcript {
  text = ''
  private waiters: Array<() => void> = []

  write(chunk: string): void {
    this.text += chunk
    for (const wake of this.waiters.splice(0)) wake()
  }

  async match(pattern: RegExp, what: string): Promise<RegExpMatchArray> {
    const deadline = Date.now() + WAIT_MS
    for (;;) {
      const found = this.text.match(pattern)
      if (found) return found
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(`no ${what} within ${WAIT_MS} ms; stderr so far:\n${this.text}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => (clearTimeout(timer), resolve()))
      })
    }
  }
}

export interface LoginRun {
  stderr: Transcript
  /** The authorize URL login printed. */
  authorizeURL(): Promise<URL>
  /** The device flow's user code. */
  userCode(): Promise<string>
  /** Ctrl-C. */
  interrupt(): void
  done: Promise<CliRun>
}

const AUTHORIZE = /^ {2}(http\S+\/oauth\/v2\/auth\?\S+)$/m
const USER_CODE = /enter the code:\s+(\S+)/

function driver(stderr: Transcript, interrupt: () => void, done: Promise<CliRun>): LoginRun {
  return {
    stderr,
    authorizeURL: async () => new URL((await stderr.match(AUTHORIZE, 'authorize URL'))[1] ?? ''),
    userCode: async () => (await stderr.match(USER_CODE, 'device user code'))[1] ?? '',
    interrupt,
    done,
  }
}

export function loginInProcess(argv: string[], env: Record<string, string | undefined>): LoginRun {
  const stderr = new Transcript()
  let stdout = ''
  const controller = new AbortController()
  const done = runCli(argv, {
    env,
    cwd: env.HOME ?? tmpdir(),
    stdout: { write: (s) => void (stdout += s) },
    stderr,
    signal: controller.signal,
  }).then((code) => ({ code, stdout, stderr: stderr.text }))
  return driver(stderr, () => controller.abort(), done)
}

export function loginSpawned(argv: string[], env: Record<string, string>): LoginRun {
  const stderr = new Transcript()
  let stdout = ''
  const child = spawn(process.execPath, [BIN, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => stderr.write(chunk.toString()))
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr: stderr.text }))
  })
  return driver(stderr, () => child.kill('SIGINT'), done)
}

/** What the browser would get from the loopback listener. */
export async function visit(url: URL | string): Promise<{ status: number; html: string }> {
  const response = await fetch(url)
  return { status: response.status, html: await response.text() }
}

/** True when nothing accepts connections on the port any more. */
export async function portClosed(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`)
    return false
  } catch {
    return true
  }
}
