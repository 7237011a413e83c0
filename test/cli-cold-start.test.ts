/**
 * Cold start: `$(zoho-auth token)` runs in every script, so start-up imports the command list
 * only and each command's module loads when it runs. Checked on the real binary with a loader
 * hook that logs every module it loads, and in-process on the registry itself.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { commands } from '../src/cli/commands/index.js'
import { runCommand } from './support/cli.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const HOOK = fileURLToPath(new URL('./fixtures/log-modules.mjs', import.meta.url))

/** The files under the package that `zoho-auth …args` loads, relative to it. */
function loadedBy(args: string[]): { files: string[]; code: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-cold-'))
  const run = spawnSync(
    process.execPath,
    ['--import', HOOK, join(ROOT, 'bin/zoho-auth.js'), ...args],
    {
      encoding: 'utf8',
      timeout: 15_000,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        ZOHO_AUTH_DB: join(dir, 'tokens.db'),
        ZOHO_AUTH_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
      },
    },
  )
  const prefix = `LOADED file://${ROOT}`
  const files = run.stderr
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length))
  return { files, code: run.status }
}

describe('zoho-auth cold start (spawned, modules logged)', () => {
  it('zoho-auth --version and --help load no command module, no store driver, no HTTP server', () => {
    for (const args of [['--version'], ['--help']]) {
      const { files, code } = loadedBy(args)
      expect(code).toBe(0)
      expect(files).toContain('dist/cli/commands/index.js')
      expect(files.filter((f) => f.startsWith('dist/cli/commands/'))).toEqual([
        'dist/cli/commands/index.js',
      ])
      expect(files.filter((f) => /node_modules|emulator|api\/client|login/.test(f))).toEqual([])
      // Error classes and remedies load only when a command fails.
      expect(files.filter((f) => /errors|remedies/.test(f))).toEqual([])
    }
  })

  it('zoho-auth token loads its own module and the store, not the API client, login, or the emulator', () => {
    // No connection yet, so it fails (exit 1) after opening the store: the whole start-up path.
    const { files, code } = loadedBy(['token'])
    expect(code).toBe(1)
    expect(files.filter((f) => f.startsWith('dist/cli/commands/'))).toEqual([
      'dist/cli/commands/index.js',
      'dist/cli/commands/token.js',
    ])
    expect(files).toContain('dist/stores/sqlite.js')
    expect(files.filter((f) => /hono|emulator|dist\/api\/client|cli\/login\//.test(f))).toEqual([])
  })
})

describe('the command registry', () => {
  it('commands: every entry loads the command of its name, with usage and a summary for --help', async () => {
    for (const entry of commands) {
      const command = await entry.load()
      expect(command.name).toBe(entry.name)
      expect(command.usage).toMatch(/^Usage: zoho-auth /)
      expect(entry.summary.length).toBeGreaterThan(10)
    }
  })

  it('zoho-auth --help lists every summary without loading a command', async () => {
    const spies = commands.map((entry) => vi.spyOn(entry, 'load'))
    const run = await runCommand(['--help'], {})
    expect(run.code).toBe(0)
    for (const entry of commands) expect(run.stdout).toContain(`${entry.name}  `)
    for (const entry of commands) expect(run.stdout).toContain(entry.summary)
    for (const spy of spies) expect(spy).not.toHaveBeenCalled()
    spies.forEach((spy) => spy.mockRestore())
  })
})
