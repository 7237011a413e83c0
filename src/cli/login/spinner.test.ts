import { afterEach, describe, expect, it, vi } from 'vitest'
import { startWaiting } from './spinner.js'

function output(isTTY: boolean): { isTTY: boolean; text: string; write(s: string): void } {
  return {
    isTTY,
    text: '',
    write(s) {
      this.text += s
    },
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('startWaiting', () => {
  it('startWaiting off a terminal writes one plain line, no control characters', () => {
    const out = output(false)
    const waiting = startWaiting({ out, env: {}, text: 'Waiting', deadline: 300_000, now: () => 0 })
    waiting.note('refused one')
    waiting.stop()
    expect(out.text).toBe('Waiting (up to 5:00 min; Ctrl-C cancels)\nrefused one\n')
  })

  it('startWaiting on a terminal redraws a spinner with the time left, and clears it on stop', () => {
    vi.useFakeTimers()
    let now = 0
    const out = output(true)
    const waiting = startWaiting({
      out,
      env: {},
      text: 'Waiting',
      deadline: 65_000,
      now: () => now,
    })
    now = 1_000
    vi.advanceTimersByTime(100)
    waiting.stop()
    const frames = out.text.split('\r\x1b[2K').filter(Boolean)
    expect(frames[0]).toBe('\x1b[36m⠋\x1b[39m Waiting (1:05 left; Ctrl-C cancels)')
    expect(frames[1]).toBe('\x1b[36m⠙\x1b[39m Waiting (1:04 left; Ctrl-C cancels)')
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true)
    const before = out.text
    vi.advanceTimersByTime(1_000)
    expect(out.text).toBe(before)
  })

  it('startWaiting respects NO_COLOR and TERM=dumb', () => {
    vi.useFakeTimers()
    const plain = output(true)
    startWaiting({
      out: plain,
      env: { NO_COLOR: '1' },
      text: 'W',
      deadline: 0,
      now: () => 0,
    }).stop()
    expect(plain.text).not.toContain('\x1b[3')
    expect(plain.text).toContain('⠋ W')
    const dumb = output(true)
    startWaiting({ out: dumb, env: { TERM: 'dumb' }, text: 'W', deadline: 0, now: () => 0 }).stop()
    expect(dumb.text).toBe('W (up to 0:00 min; Ctrl-C cancels)\n')
  })
})
