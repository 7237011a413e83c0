/**
 * One refresh for all open tabs of the app: a Web Lock per account (`navigator.locks`), a marker
 * in `localStorage` while a tab is away refreshing by redirect, and a BroadcastChannel that hands
 * the new token (or the failure) to the tabs that waited. Also the refresh budget, kept in
 * `localStorage` so every tab counts against the same Zoho limit.
 */
import { BrowserAuthError, type BrowserAuthReason } from './errors.js'
import type { StoredAccount } from './storage.js'

/** What tabs of one app tell each other. */
export type TabMessage =
  | { t: 'token'; account: StoredAccount; signedIn: boolean }
  | { t: 'fail'; zuid: string; reason: BrowserAuthReason; message: string; remedy: string }
  /** A popup's redirect, handed to the tab that opened it. */
  | { t: 'frag'; state: string; raw: string }

/** The tabs of one client's app, and what they share (locks, markers, the token budget). */
export function tabsOf(clientId: string, limit: number, windowMs: number) {
  const prefix = `zoho-auth:${clientId}:`
  const channel = new BroadcastChannel(`${prefix}tabs`)
  const listeners = new Set<(message: TabMessage) => void>()
  channel.onmessage = (event: MessageEvent<TabMessage>) => {
    for (const listener of [...listeners]) listener(event.data)
  }
  const refreshingKey = (zuid: string): string => `${prefix}refreshing:${zuid}`

  const tabs = {
    /** Tells the other tabs (BroadcastChannel skips this tab's own listeners). */
    post(message: TabMessage): void {
      channel.postMessage(message)
    },

    listen(listener: (message: TabMessage) => void): () => void {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },

    /** Another tab's answer for an account it is refreshing: its new token, or its failure. */
    answerFor(zuid: string, ms: number): Promise<StoredAccount> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          stop()
          reject(
            new BrowserAuthError('timeout', "Another tab's refresh did not finish", 'Try again.'),
          )
        }, ms)
        const stop = tabs.listen((m) => {
          // A popup's message names no account, so it never matches.
          if ((m.t === 'token' ? m.account.zuid : (m as { zuid?: string }).zuid) !== zuid) return
          clearTimeout(timer)
          stop()
          if (m.t === 'fail') reject(new BrowserAuthError(m.reason, m.message, m.remedy))
          else resolve((m as { account: StoredAccount }).account)
        })
      })
    },

    /** Runs `work` holding the account's lock across tabs (the lock ends with the page, too). */
    locked<T>(zuid: string, work: () => Promise<T>): Promise<T> {
      // No Web Locks (an old browser, or a page not served securely): the localStorage marker
      // alone keeps most doubles out.
      const locks = navigator.locks as LockManager | undefined
      return (locks?.request(`${prefix}refresh:${zuid}`, work) as Promise<T> | undefined) ?? work()
    },

    /** Since when (epoch ms) a tab has been away refreshing this account; 0 if none is. */
    refreshingSince(zuid: string): number {
      // 0 (none) when absent; anything else not a positive number is no marker either.
      return Number(localStorage.getItem(refreshingKey(zuid))) || 0
    },

    /** Marks the account as being refreshed since `at`, or (without `at`) no longer. */
    markRefreshing(zuid: string, at?: number): void {
      if (at) localStorage.setItem(refreshingKey(zuid), String(at))
      else localStorage.removeItem(refreshingKey(zuid))
    },

    /**
     * Counts a token request against the budget of `limit` per `windowMs` (sliding), across tabs.
     * False, counting nothing, when the budget is spent.
     */
    spend(zuid: string, now: number): boolean {
      const key = `${prefix}mints:${zuid}`
      let times: number[] = []
      try {
        times = (JSON.parse(localStorage.getItem(key) ?? '[]') as number[]).filter(
          (t) => now - t < windowMs,
        )
      } catch {
        // A damaged list counts as empty; Zoho's own limit still stands behind it.
      }
      if (times.length >= limit) return false
      localStorage.setItem(key, JSON.stringify([...times, now]))
      return true
    },
  }
  return tabs
}

/** What {@link tabsOf} returns. */
export type Tabs = ReturnType<typeof tabsOf>
