/**
 * Creates a file that holds a secret (the generated encryption key, the broker's admin token)
 * exactly once, however many processes start at the same moment: the whole content is written
 * aside (0600) and hard-linked into place, so a reader finds no file or the complete secret,
 * never the empty file between creating and writing it, and the loser of a race keeps the
 * winner's. The directory is created 0700.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Writes `content` to `path` unless it exists: `created` when this call wrote it, `taken` when
 * another process did first. File-system errors are thrown as they are (callers say what to do).
 */
export function createSecretFileOnce(path: string, content: string): 'created' | 'taken' {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const aside = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  try {
    writeFileSync(aside, content, { mode: 0o600, flag: 'wx' })
    // The umask may have narrowed the mode further but never widens it; make it exact anyway.
    chmodSync(aside, 0o600)
    linkSync(aside, path)
    return 'created'
  } catch (error) {
    if ((error as NodeJS.ErrnoException | null)?.code === 'EEXIST') return 'taken'
    throw error
  } finally {
    rmSync(aside, { force: true })
  }
}
