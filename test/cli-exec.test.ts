/**
 * `zoho-auth exec`, in-process against the emulator on a socket: the child's environment, its
 * exit code and signals passed through, 127 for a command that is not there, and a token with
 * at least the manager's margin left.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/cli/main.js'
import { openRuntime } from '../src/cli/runtime.js'
import { runCommand } from './support/cli.js'
import { startTestEmulator, type TestEmulator } from './support/emulator.js'
import { scriptEnvironment } from './support/script-env.js'

let zoho: TestEmulator

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})

const node = process.execPath
const PRINT_ENV =
  'process.stdout.write(JSON.stringify({token: process.env.ZOHO_ACCESS_TOKEN, domain: process.env.ZOHO_API_DOMAIN, id: process.env.ZOHO_CLIENT_ID}))'

describe('zoho-auth exec', () => {
  it('exec runs the command with ZOHO_ACCESS_TOKEN and ZOHO_API_DOMAIN, and the rest of the environment', async () => {
    const { env } = await scriptEnvironment(zoho)
    const token = (await runCommand(['token'], env)).stdout.trim()
    const run = await runCommand(['exec', '--', node, '-e', PRINT_ENV], env)
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({
      token,
      domain: `${zoho.url}/us/api`,
      id: env.ZOHO_CLIENT_ID,
    })
  })

  it('exec passes the exit code through, and 128 + n for a signal that ended the child', async () => {
    const { env } = await scriptEnvironment(zoho)
    expect((await runCommand(['exec', '--', node, '-e', 'process.exit(7)'], env)).code).toBe(7)
    const killed = await runCommand(
      ['exec', '--', node, '-e', 'process.kill(process.pid, "SIGTERM")'],
      env,
    )
    expect(killed.code).toBe(143)
  })

  it('exec feeds its stdin to the child and passes the child’s stderr on', async () => {
    const { env } = await scriptEnvironment(zoho)
    const run = await runCommand(
      ['exec', '--', node, '-e', 'process.stdin.pipe(process.stdout); console.error("to stderr")'],
      env,
      { stdin: 'hello from stdin' },
    )
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('hello from stdin')
    expect(run.stderr).toContain('to stderr\n')
  })

  it('exec: a command that is not there is exit 127 with what to check', async () => {
    const { env } = await scriptEnvironment(zoho)
    const run = await runCommand(['exec', '--', 'no-such-command-zoho-auth'], env)
    expect(run.code).toBe(127)
    expect(run.stderr).toContain(
      'zoho-auth: exec: command not found: no-such-command-zoho-auth\n  → Check the spelling, or give its path (the command is looked up in PATH).\n',
    )
  })

  it('exec: a file that is not executable is exit 126', async () => {
    const { env, dir } = await scriptEnvironment(zoho)
    const script = join(dir, 'not-executable.sh')
    writeFileSync(script, 'echo hi\n', { mode: 0o644 })
    const run = await runCommand(['exec', '--', script], env)
    expect(run.code).toBe(126)
    expect(run.stderr).toContain(`zoho-auth: exec: cannot run ${script}: EACCES\n  → Check that`)
  })

  it('exec: without -- or a command it is misuse, exit 2, and --help after -- is the child’s', async () => {
    const { env } = await scriptEnvironment(zoho)
    const bare = await runCommand(['exec', node, '-e', '0'], env)
    expect(bare.code).toBe(2)
    expect(bare.stderr).toContain('put -- before the command: zoho-auth exec -- COMMAND [ARGS…]')
    expect((await runCommand(['exec', '--'], env)).code).toBe(2)
    const help = await runCommand(
      ['exec', '--', node, '-e', 'console.log(process.argv.slice(1).join(" "))', '--', '--help'],
      env,
    )
    expect(help).toMatchObject({ code: 0, stdout: '--help\n' })
  })

  it('exec forwards the signal it is stopped with (SIGINT) to the child', async () => {
    const { env, dir } = await scriptEnvironment(zoho)
    const controller = new AbortController()
    let stdout = ''
    let ready = (): void => undefined
    const started = new Promise<void>((resolve) => (ready = resolve))
    const code = runCli(
      ['exec', '--', node, '-e', 'console.log("ready"); setInterval(() => {}, 1000)'],
      {
        env,
        cwd: dir,
        stdout: {
          write: (text) => {
            stdout += text
            if (stdout.includes('ready')) ready()
          },
        },
        stderr: { write: () => undefined },
        signal: controller.signal,
      },
    )
    await started
    controller.abort('SIGINT')
    expect(await code).toBe(130)
  })

  it('exec refreshes a token inside the refresh margin first, so the child gets a fresh one', async () => {
    const { env, dir, client } = await scriptEnvironment(zoho)
    const old = (await runCommand(['token'], env)).stdout.trim()
    // Make the stored hour-long token look 59 minutes old: 60 s left, inside the 5-minute margin.
    const sink = { write: () => undefined }
    const runtime = await openRuntime(
      { argv: [], env, cwd: dir, stdout: sink, stderr: sink, signal: new AbortController().signal },
      {},
    )
    const now = Date.now()
    const row = await runtime.store.get('default')
    await runtime.store.update(
      'default',
      { accessTokenExpiresAt: now + 60_000 },
      row?.version ?? 0,
      now - 3_540_000,
    )
    await runtime.close()
    const refreshes = async (): Promise<number> =>
      (await zoho.stats()).by_client[client.client_id]?.token_endpoint.refresh_token ?? 0
    const before = await refreshes()

    const run = await runCommand(['exec', '--', node, '-e', PRINT_ENV], env)
    const { token } = JSON.parse(run.stdout) as { token: string }
    expect(token).not.toBe(old)
    expect(await refreshes()).toBe(before + 1)
    // Outside the margin the stored token is handed over as it is.
    const again = await runCommand(['exec', '--', node, '-e', PRINT_ENV], env)
    expect((JSON.parse(again.stdout) as { token: string }).token).toBe(token)
    expect(await refreshes()).toBe(before + 1)
  })
})
