import { describe, it, expect } from 'vitest'
import { Emitter } from './events.js'

describe('Emitter', () => {
  it('Emitter.emit: reaches every listener, survives a throwing one, and unsubscribes', () => {
    const emitter = new Emitter<number>()
    const seen: number[] = []
    emitter.on(() => {
      throw new Error('bug')
    })
    const off = emitter.on((n) => seen.push(n))
    emitter.emit(1)
    off()
    emitter.emit(2)
    expect(seen).toEqual([1])
    expect(emitter.size).toBe(1)
  })
})
