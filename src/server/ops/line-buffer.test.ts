import { describe, expect, it } from 'vitest'
import { lineBuffer } from './line-buffer.js'

describe('lineBuffer', () => {
  it('lineBuffer writes the lines of one turn together, in order, after the turn', async () => {
    const writes: string[] = []
    const buffer = lineBuffer((text) => writes.push(text))
    buffer.write('one')
    buffer.write('two')
    expect(writes).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes).toEqual(['one\ntwo\n'])
    buffer.write('three')
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes).toEqual(['one\ntwo\n', 'three\n'])
  })

  it('lineBuffer.flush writes what is queued at once, and nothing twice', async () => {
    const writes: string[] = []
    const buffer = lineBuffer((text) => writes.push(text))
    buffer.write('last words')
    buffer.flush()
    expect(writes).toEqual(['last words\n'])
    await new Promise((resolve) => setImmediate(resolve))
    buffer.flush()
    expect(writes).toEqual(['last words\n'])
  })
})
