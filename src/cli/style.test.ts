import { describe, expect, it } from 'vitest'
import { marks } from './style.js'

const terminal = { write: () => undefined, isTTY: true }
const pipe = { write: () => undefined }

describe('marks', () => {
  it('marks: coloured on a terminal, plain with NO_COLOR, in a pipe, or on TERM=dumb', () => {
    expect(marks(terminal, {})).toEqual({ ok: '\x1b[32m✓\x1b[0m', failed: '\x1b[31m✗\x1b[0m' })
    expect(marks(terminal, { NO_COLOR: '1' })).toEqual({ ok: '✓', failed: '✗' })
    expect(marks(terminal, { TERM: 'dumb' })).toEqual({ ok: '✓', failed: '✗' })
    expect(marks(pipe, {})).toEqual({ ok: '✓', failed: '✗' })
    // no-color.org: an empty NO_COLOR does not count.
    expect(marks(terminal, { NO_COLOR: '' }).ok).toContain('\x1b[32m')
  })
})
