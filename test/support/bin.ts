/**
 * The real executable (bin/zoho-auth.js) in a child process, with its output kept and events to
 * wait on, for tests about what only a process has: signals, exit codes, other users. Needs
 * dist/ (npm test builds first).
 */
import { spawn } from 'node:child_process'
import type { ChildProcess, SpawnOptions } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../bin/zoho-auth.js', import.meta.url))
const DIST = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

export interface BinRun {
  child: ChildProcess
  readonly stdout: string
  readonly stderr: string
  /** Resolves once stderr contains `text`. */
  stderrIncludes(text: string): Promise<void>
  /** Resolves once stdout contains `text`. */
  stdoutIncludes(text: string): Promise<void>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export function spawnBin(
  args: string[],
  env: Record<string, string>,
  options: Pick<SpawnOptions, 'uid' | 'gid' | 'cwd'> = {},
): BinRun {
  if (!existsSync(DIST)) {
    throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` (npm test does it)')
  }
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  })
  let stdout = ''
  let stderr = ''
  const watchers: Array<{ out: () => string; text: string; resolve: () => void }> = []
  const wake = (): void => {
    for (const watcher of watchers.filter((w) => w.out().includes(w.text))) {
      watchers.splice(watchers.indexOf(watcher), 1)
      watcher.resolve()
    }
  }
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    wake()
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    wake()
  })
  const includes =
    (out: () => string) =>
    (text: string): Promise<void> =>
      out().includes(text)
        ? Promise.resolve()
        : new Promise((resolve) => watchers.push({ out, text, resolve }))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.on('error', reject)
      child.on('close', (code, signal) => resolve({ code, signal }))
    },
  )
  return {
    child,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    stderrIncludes: includes(() => stderr),
    stdoutIncludes: includes(() => stdout),
    exited,
  }
}
