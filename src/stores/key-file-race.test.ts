/**
 * Two processes creating the key file at once, interleaved by hand: the second one runs while the
 * first one's file exists but its key is not written yet (open and write are two system calls).
 */
import * as realFs from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LoadedKey } from './key-file.js'

const between: { run: (() => void) | null } = { run: null }

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof realFs>()
  return {
    ...fs,
    writeFileSync: (
      file: string,
      data: string,
      options: { mode?: number; flag?: string } = {},
    ): void => {
      const run = between.run
      if (run === null) return fs.writeFileSync(file, data, options)
      between.run = null
      const fd = fs.openSync(file, options.flag ?? 'w', options.mode)
      try {
        run()
        fs.writeSync(fd, data)
      } finally {
        fs.closeSync(fd)
      }
    },
  }
})

const { loadOrCreateKeyFile } = await import('./key-file.js')

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zoho-auth-key-race-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('loadOrCreateKeyFile', () => {
  it('loadOrCreateKeyFile: a process starting while another writes the key gets that same key', () => {
    const path = join(dir, 'zoho-auth', 'encryption.key')
    let second: LoadedKey | Error | null = null
    between.run = (): void => {
      try {
        second = loadOrCreateKeyFile(path)
      } catch (error) {
        second = error as Error
      }
    }
    const first = loadOrCreateKeyFile(path)
    expect(second).not.toBeInstanceOf(Error)
    expect((second as LoadedKey | null)?.key).toBe(first.key)
    expect(realFs.readFileSync(path, 'utf8')).toBe(`${first.key}\n`)
    expect(realFs.readdirSync(join(dir, 'zoho-auth'))).toEqual(['encryption.key'])
  })
})
