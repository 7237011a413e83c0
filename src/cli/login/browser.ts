/**
 * Opening the authorize URL in the user's browser, where there is one. The URL is always printed
 * too, so a browser that does not open costs nothing but a copy and paste.
 *
 * When we do not try: `--no-browser`; in CI (`CI` set); on Linux and the BSDs without a display
 * (`DISPLAY` / `WAYLAND_DISPLAY`), which is every SSH session without X forwarding; and in an SSH
 * session on macOS or Windows, where a browser would open on a screen nobody is looking at.
 */
import { spawn } from 'node:child_process'

export type BrowserPlan =
  { open: true; command: string; args: string[] } | { open: false; reason: string }

function set(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
}

export function browserPlan(o: {
  url: string
  platform: NodeJS.Platform
  env: Record<string, string | undefined>
  noBrowser: boolean
}): BrowserPlan {
  const { env } = o
  if (o.noBrowser) return { open: false, reason: '--no-browser' }
  if (set(env.CI)) return { open: false, reason: 'running in CI' }
  const display = set(env.DISPLAY) || set(env.WAYLAND_DISPLAY)
  const ssh = set(env.SSH_CONNECTION) || set(env.SSH_TTY)
  switch (o.platform) {
    case 'darwin':
      return ssh
        ? { open: false, reason: 'SSH session' }
        : { open: true, command: 'open', args: [o.url] }
    case 'win32':
      // rundll32 takes the URL as one argument: `start` would go through cmd, where & splits it.
      return ssh
        ? { open: false, reason: 'SSH session' }
        : { open: true, command: 'rundll32', args: ['url.dll,FileProtocolHandler', o.url] }
    default:
      return display
        ? { open: true, command: 'xdg-open', args: [o.url] }
        : { open: false, reason: 'no display: DISPLAY is not set' }
  }
}

/** Starts the browser, detached; resolves false when the opener could not even start. */
export function openBrowser(plan: { command: string; args: string[] }): Promise<boolean> {
  return new Promise((resolve) => {
    let child
    try {
      child = spawn(plan.command, plan.args, { stdio: 'ignore', detached: true })
    } catch {
      return resolve(false)
    }
    child.once('error', () => resolve(false))
    child.once('spawn', () => {
      child.unref()
      resolve(true)
    })
  })
}
