/** A tiny typed emitter: listeners never break the code that emits. */
export class Emitter<E> {
  private readonly listeners = new Set<(event: E) => void>()

  /** Returns a function that unsubscribes. */
  on(listener: (event: E) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  emit(event: E): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event)
      } catch {
        // A listener's bug must not fail a token refresh for every caller.
      }
    }
  }

  get size(): number {
    return this.listeners.size
  }
}
