/**
 * The real binary, spawned as a person or a script runs it; every wait is bounded. Needs dist/
 * (npm test builds first).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../bin/zoho-auth.js', import.meta.url))

export interface SpawnedRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface Spawned {
  child: ChildProcess
  /** Resolves once stdout contains `text` (bounded by `timeoutMs`). */
  waitFor(text: string, timeoutMs?: number): Promise<void>
  done: Promise<SpawnedRun>
}

export function spawnCli(
  args: string[],
  env: Record<string, string>,
  options: { stdin?: string; timeoutMs?: number } = {},
): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    cwd: env.HOME,
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  })
  if (options.stdin !== undefined) child.stdin?.end(options.stdin)
  let stdout = ''
  let stderr = ''
  const waiters: Array<() => void> = []
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    for (const wake of waiters.splice(0)) wake()
  })
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
  const done = new Promise<SpawnedRun>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      for (const wake of waiters.splice(0)) wake()
      resolve({ code, signal, stdout, stderr })
    })
  })
  const waitFor = async (text: string, timeoutMs = 15_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs
    while (!stdout.includes(text)) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no "${text}" on stdout; stdout: ${stdout}\nstderr: ${stderr}`)
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now())
        waiters.push(() => (clearTimeout(timer), resolve()))
      })
    }
  }
  return { child, waitFor, done }
}

/** Spawns and waits for the end. */
export function runSpawned(
  args: string[],
  env: Record<string, string>,
  options: { stdin?: string } = {},
): Promise<SpawnedRun> {
  return spawnCli(args, env, options).done
}
