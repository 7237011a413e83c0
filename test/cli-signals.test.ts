/**
 * Ctrl-C on a command that ends by itself when asked to stop (the emulator server): the runner
 * waits for it, so it closes and exits 0 as before, without the "interrupted" exit of a command
 * that is stopped mid-wait (those are in cli-postgres.test.ts, against a silent server).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { spawnBin } from './support/bin.js'
import { within } from './support/within.js'

describe('zoho-auth emulator and Ctrl-C', () => {
  it('the first Ctrl-C closes the emulator and exits 0', async () => {
    const home = mkdtempSync(join(tmpdir(), 'zoho-auth-cli-signals-'))
    const run = spawnBin(['emulator', '--port', '0'], { PATH: process.env.PATH ?? '', HOME: home })
    await within(15_000, run.stdoutIncludes('Zoho emulator listening on'))
    run.child.kill('SIGINT')
    expect(await within(15_000, run.exited)).toEqual({ code: 0, signal: null })
    expect(run.stdout).toContain('Zoho emulator stopped.\n')
    expect(run.stderr).toBe('')
  }, 40_000)
})
