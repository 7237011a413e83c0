/**
 * `zoho-auth exec` stopped with Ctrl-C, through the real binary: a child that ignores the signal,
 * and what it started, are killed and not left running. Every wait is for an event: the output
 * pipe closes only once every process holding it (zoho-auth, the child, the grandchild) is gone.
 */
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { spawnBin, type BinRun } from './support/bin.js'
import { startTestEmulator, type TestEmulator } from './support/emulator.js'
import { scriptEnvironment } from './support/script-env.js'
import { within } from './support/within.js'

let zoho: TestEmulator

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})
// A failing run must not leave its processes behind for the next test file either.
const started: number[] = []
afterEach(() => {
  for (const pid of started.splice(0)) if (running(pid)) process.kill(pid, 'SIGKILL')
})

const node = process.execPath
const IGNORE_STOP =
  'process.on("SIGINT", () => console.log("got SIGINT")); process.on("SIGTERM", () => undefined);'
// A child that ignores SIGINT/SIGTERM and starts a grandchild that does too; both hold stdout.
const STUBBORN = `${IGNORE_STOP}
const grandchild = require("node:child_process").spawn(process.execPath,
  ["-e", 'process.on("SIGINT", () => undefined); console.log("grandchild ready"); setInterval(() => {}, 1000)'],
  { stdio: "inherit" });
console.log("pids " + process.pid + " " + grandchild.pid);
setInterval(() => {}, 1000);`

/** Whether `pid` is a live process: a zombie waiting for its reaper has already stopped. */
function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`
  if (existsSync('/proc/self/stat')) {
    try {
      const state = readFileSync(stat, 'utf8').split(') ').pop()?.charAt(0)
      return state !== 'Z' && state !== 'X'
    } catch {
      return false
    }
  }
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * Whether `pid` stops within `ms`: a SIGKILL is delivered by the kernel after zoho-auth's own
 * exit, so on a busy machine the child can outlive it by a moment. Bounded, checked every 20 ms.
 */
async function stopsWithin(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (running(pid)) {
    if (Date.now() > until) return false
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return true
}

async function startStubborn(): Promise<{ run: BinRun; child: number; grandchild: number }> {
  const { env } = await scriptEnvironment(zoho)
  const run = spawnBin(['exec', '--', node, '-e', STUBBORN], env)
  await within(15_000, run.stdoutIncludes('grandchild ready'))
  const [, child, grandchild] = /pids (\d+) (\d+)/.exec(run.stdout) ?? []
  started.push(Number(child), Number(grandchild))
  expect(running(Number(child))).toBe(true)
  expect(running(Number(grandchild))).toBe(true)
  return { run, child: Number(child), grandchild: Number(grandchild) }
}

describe('zoho-auth exec and Ctrl-C', () => {
  it('exec: a child that ignores Ctrl-C is killed after the grace, with its children, exit 130', async () => {
    const { run, child, grandchild } = await startStubborn()
    run.child.kill('SIGINT')
    expect(await within(20_000, run.exited)).toEqual({ code: 130, signal: null })
    expect(run.stdout).toContain('got SIGINT')
    expect(run.stderr).toContain(
      `zoho-auth: exec: ${node} did not stop within 2 s of SIGINT; killed it\n  → Make the command exit on SIGINT/SIGTERM, or stop it from its own interface.\n`,
    )
    expect(await stopsWithin(child, 5000)).toBe(true)
    expect(await stopsWithin(grandchild, 5000)).toBe(true)
  }, 40_000)

  it('exec: a second Ctrl-C quits at once and kills the child and its children too', async () => {
    const { run, child, grandchild } = await startStubborn()
    run.child.kill('SIGINT')
    await within(15_000, run.stdoutIncludes('got SIGINT'))
    run.child.kill('SIGINT')
    expect(await within(20_000, run.exited)).toEqual({ code: 130, signal: null })
    expect(await stopsWithin(child, 5000)).toBe(true)
    expect(await stopsWithin(grandchild, 5000)).toBe(true)
  }, 40_000)
})
