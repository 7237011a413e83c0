/**
 * The refresh lease a process holds while it mints: at most one process per connection sends a
 * token request. Internal to src/tokens; see docs/architecture.md, "How a token is served".
 *
 * The lease is short (10 s by default) and renewed every third of it while its holder works, so
 * a live holder keeps it however long Zoho takes, and a killed one is taken over within one
 * lease. A request must never outlive the lease (another process would then send its own):
 * `signal` cuts it off once another process holds the lease, or when the lease ends without a
 * renewal that landed. A renewal that is merely late (a stalled store or process) is retried at
 * 80% of the lease, so a request whose lease nobody took keeps going.
 */
import type { ManagerContext } from './context.js'

/** How far into the lease, after its last renewal, a late renewal is tried at once. */
const CUT_OFF = 0.8
/** Renewals per lease: after a failed one, the next still comes before the cut-off. */
const RENEWALS_PER_LEASE = 3

/** Why a request was cut off; it never reaches a caller (the holder waits for the new one). */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError'
}

export class HeldLease {
  private readonly controller = new AbortController()
  private renewTimer: ReturnType<typeof setTimeout> | undefined
  private cutOffTimer: ReturnType<typeof setTimeout> | undefined
  private renewing: Promise<boolean> | null = null
  /** By our clock: ours at least until here (the last successful renewal began ttl before). */
  private heldUntil: number
  private released = false

  private constructor(
    private readonly ctx: ManagerContext,
    readonly id: string,
    acquiredAt: number,
  ) {
    this.heldUntil = acquiredAt + ctx.leaseTtlMs
    this.scheduleRenewal()
    this.armCutOff()
  }

  /** Takes the lease of `id` if nobody else holds an unexpired one (an expired one is taken). */
  static async acquire(ctx: ManagerContext, id: string): Promise<HeldLease | null> {
    const at = ctx.now()
    if (!(await ctx.store.acquireLease(id, ctx.ownerId, ctx.leaseTtlMs, at))) return null
    return new HeldLease(ctx, id, at)
  }

  /** Aborted once the lease is lost; pass it to every request made under the lease. */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  get lost(): boolean {
    return this.controller.signal.aborted
  }

  /** Extends the lease now; false once another process holds it (the signal is then aborted). */
  renew(): Promise<boolean> {
    if (this.lost || this.released) return Promise.resolve(false)
    this.renewing ??= this.renewNow().finally(() => {
      this.renewing = null
    })
    return this.renewing
  }

  private async renewNow(): Promise<boolean> {
    const at = this.ctx.now()
    const held = await this.ctx.store.acquireLease(
      this.id,
      this.ctx.ownerId,
      this.ctx.leaseTtlMs,
      at,
    )
    if (this.lost || this.released) return false
    if (!held) {
      this.lose('another process took the refresh lease')
      return false
    }
    // Measured from before the call: a renewal that took long may already be near its end.
    this.heldUntil = Math.max(this.heldUntil, at + this.ctx.leaseTtlMs)
    this.armCutOff()
    return true
  }

  /** Stops renewing and lets the lease go (if still ours), so waiters need not wait it out. */
  async release(): Promise<void> {
    this.released = true
    clearTimeout(this.renewTimer)
    clearTimeout(this.cutOffTimer)
    await this.ctx.store.releaseLease(this.id, this.ctx.ownerId).catch(() => undefined)
  }

  private scheduleRenewal(): void {
    this.renewTimer = setTimeout(() => {
      // A failed renewal is survived: the next one still comes before the cut-off.
      void this.renew()
        .catch(() => true)
        .then((held) => {
          if (held && !this.released) this.scheduleRenewal()
        })
    }, this.ctx.leaseTtlMs / RENEWALS_PER_LEASE)
    this.renewTimer.unref?.()
  }

  private armCutOff(): void {
    clearTimeout(this.cutOffTimer)
    const cutOffAt = this.heldUntil - (1 - CUT_OFF) * this.ctx.leaseTtlMs
    this.cutOffTimer = setTimeout(() => this.atCutOff(), Math.max(0, cutOffAt - this.ctx.now()))
    this.cutOffTimer.unref?.()
  }

  /** Renewals are late: renew at once, and give the request up if none lands before the end. */
  private atCutOff(): void {
    if (this.released || this.lost) return
    const ttl = this.ctx.leaseTtlMs
    // A renewal that landed meanwhile moved the cut-off: look again then.
    if (this.ctx.now() < this.heldUntil - (1 - CUT_OFF) * ttl) return this.armCutOff()
    // Bounded by the lease's end, or a little later for a lease that ended while we stalled:
    // then the renewal's answer says whether another process took it meanwhile.
    const end = setTimeout(
      () => {
        if (!this.released) this.lose('the refresh lease could not be renewed in time')
      },
      Math.max(this.heldUntil - this.ctx.now(), (1 - CUT_OFF) * ttl),
    )
    end.unref?.()
    this.renew().then(
      () => clearTimeout(end),
      () => {
        clearTimeout(end)
        this.lose('the refresh lease could not be renewed')
      },
    )
  }

  private lose(why: string): void {
    clearTimeout(this.renewTimer)
    clearTimeout(this.cutOffTimer)
    this.controller.abort(new LeaseLostError(why))
  }
}
