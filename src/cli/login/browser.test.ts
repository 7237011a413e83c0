import { describe, expect, it } from 'vitest'
import { browserPlan } from './browser.js'

const url = 'https://accounts.zoho.com/oauth/v2/auth?a=1&b=2'

describe('browserPlan', () => {
  it('browserPlan opens with the platform’s opener, the URL as one argument', () => {
    expect(browserPlan({ url, platform: 'darwin', env: {}, noBrowser: false })).toEqual({
      open: true,
      command: 'open',
      args: [url],
    })
    expect(
      browserPlan({ url, platform: 'linux', env: { DISPLAY: ':0' }, noBrowser: false }),
    ).toEqual({ open: true, command: 'xdg-open', args: [url] })
    expect(
      browserPlan({
        url,
        platform: 'linux',
        env: { WAYLAND_DISPLAY: 'wayland-0' },
        noBrowser: false,
      }),
    ).toMatchObject({ open: true })
    // No cmd.exe in between: an & in the URL must not split the command.
    expect(browserPlan({ url, platform: 'win32', env: {}, noBrowser: false })).toEqual({
      open: true,
      command: 'rundll32',
      args: ['url.dll,FileProtocolHandler', url],
    })
  })

  it('browserPlan never opens with --no-browser, in CI, without a display, or over SSH', () => {
    const plan = (platform: NodeJS.Platform, env: Record<string, string>, noBrowser = false) =>
      browserPlan({ url, platform, env, noBrowser })
    expect(plan('darwin', {}, true)).toEqual({ open: false, reason: '--no-browser' })
    expect(plan('darwin', { CI: 'true' })).toEqual({ open: false, reason: 'running in CI' })
    expect(plan('linux', { CI: '1', DISPLAY: ':0' })).toMatchObject({ open: false })
    expect(plan('linux', {})).toEqual({ open: false, reason: 'no display: DISPLAY is not set' })
    expect(plan('freebsd', {})).toMatchObject({ open: false })
    expect(plan('darwin', { SSH_CONNECTION: '10.0.0.1 5000 10.0.0.2 22' })).toEqual({
      open: false,
      reason: 'SSH session',
    })
    expect(plan('win32', { SSH_TTY: '/dev/pts/1' })).toMatchObject({ open: false })
    // CI=false is how some runners say "not CI".
    expect(plan('darwin', { CI: 'false' })).toMatchObject({ open: true })
  })
})
