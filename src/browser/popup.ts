/**
 * Sign-in and refresh in a popup, as Zoho's own browser SDK does: the popup ends on the app's
 * redirect URI, whose page hands the raw answer to the tab that opened it (over the app's
 * BroadcastChannel, which works even when a page on the way cut `window.opener`). The opener
 * checks the state; the popup keeps nothing.
 */
import { BrowserAuthError } from './errors.js'
import type { Tabs } from './tabs.js'

/** Opens Zoho in a popup and resolves with the raw redirect its state comes back with. */
export function popupAnswer(
  tabs: Tabs,
  url: string,
  state: string,
  waitMs: number,
): Promise<string> {
  const popup = open(url, 'zoho-auth', 'popup,width=520,height=680')
  if (!popup) {
    const remedy = 'Start it from a click, or allow popups for this site.'
    return Promise.reject(
      new BrowserAuthError('popup_blocked', 'The browser blocked the Zoho popup', remedy),
    )
  }
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      stop()
      clearInterval(poll)
      clearTimeout(timer)
      popup.close()
    }
    const stop = tabs.listen((m) => {
      if (m.t !== 'frag' || m.state !== state) return
      finish()
      resolve(m.raw)
    })
    // The opener closes the popup once the answer is in, so a closed popup means the user closed it.
    const poll = setInterval(() => {
      if (!popup.closed) return
      finish()
      reject(new BrowserAuthError('popup_closed', 'The Zoho popup was closed', 'Sign in again.'))
    }, 500)
    const timer = setTimeout(() => {
      finish()
      reject(new BrowserAuthError('timeout', 'Zoho did not answer in the popup', 'Try again.'))
    }, waitMs)
  })
}

/** In the popup: passes the answer on, takes it out of the address bar, and closes. */
export function handOver(tabs: Tabs, state: string, raw: string): void {
  tabs.post({ t: 'frag', state, raw })
  history.replaceState(null, '', location.pathname)
  // The opener closes the popup at once; this is for an opener that is gone.
  setTimeout(close, 2000)
}
