/**
 * `zoho-auth login` in a browser: the authorization-code flow with PKCE (S256) and a signed,
 * single-use state, received on a loopback listener at ZOHO_REDIRECT_URI, exchanged in the data
 * centre the callback names (checked against the DC table) through the TokenManager.
 *
 * A callback with a forged or reused state is refused and the wait goes on (a page elsewhere
 * must not be able to end or hijack this login). Once the genuine callback arrives, the timeout
 * and Ctrl-C no longer apply: the code is being exchanged, and what we report must be what was
 * stored.
 */
import {
  buildAuthorizationURL,
  generatePKCE,
  parseAuthorizationCallback,
} from '../../protocol/authorize.js'
import { dataCenterTable } from '../../protocol/data-centers.js'
import { ZohoAuthError } from '../../protocol/errors.js'
import {
  createStateKey,
  memoryConsumedStates,
  signState,
  verifyState,
} from '../../protocol/state.js'
import type { Connection } from '../../stores/store.js'
import type { CommandContext } from '../command.js'
import { requireClient, type Runtime } from '../runtime.js'
import { browserPlan, openBrowser } from './browser.js'
import { ERR_LOGIN_TIMEOUT, LoginError } from './errors.js'
import { listenForCallback, type CallbackAnswer } from './loopback.js'
import { page } from './page.js'
import { loopbackRedirect } from './redirect-uri.js'
import { startWaiting } from './spinner.js'
import { bounded } from './wait.js'
import { whoConnected } from './report.js'
import { zohoRefusal } from './zoho-refusals.js'

export interface BrowserLoginOptions {
  ctx: CommandContext
  runtime: Runtime
  connectionId: string
  noBrowser: boolean
  timeoutMs: number
  platform?: NodeJS.Platform
}

function failurePage(error: unknown): CallbackAnswer {
  const known = error instanceof ZohoAuthError
  return {
    status: 400,
    html: page.failure({
      message: known ? error.message : 'The sign-in could not be completed',
      remedy: known ? error.remedy : 'Run `zoho-auth login` again.',
    }),
  }
}

export async function browserLogin(o: BrowserLoginOptions): Promise<Connection> {
  const { ctx, runtime } = o
  const { config, manager } = runtime
  const target = loopbackRedirect(config.redirectURI)
  requireClient(config)
  const dataCenters = dataCenterTable({ emulatorURL: config.emulatorURL })
  const home = dataCenters.byLocation(config.dc)
  if (home === undefined) throw new Error(`no data centre ${config.dc} in the table`)

  const key = await createStateKey()
  const consumed = memoryConsumedStates()
  const state = await signState({ key })
  const pkce = await generatePKCE()
  const authorizeURL = buildAuthorizationURL({
    accountsServer: home.accountsServer,
    clientId: config.clientId ?? '',
    redirectURI: target.redirectURI,
    scopes: config.scopes,
    state,
    // A refresh token only with offline access, and on a re-login only with prompt=consent.
    accessType: 'offline',
    prompt: 'consent',
    codeChallenge: pkce.challenge,
    codeChallengeMethod: 'S256',
  })

  let ended = false
  let accept!: (completion: { done: Promise<Connection> }) => void
  const accepted = new Promise<{ done: Promise<Connection> }>((resolve) => (accept = resolve))
  const deadline = Date.now() + o.timeoutMs
  const waiting: { note(text: string): void } = {
    note: (text) => ctx.stderr.write(`${text}\n`),
  }

  const complete = async (url: URL): Promise<Connection> => {
    const error = url.searchParams.get('error')
    if (error) throw zohoRefusal(error)
    // Refuses an accounts-server outside the DC table before anything is sent anywhere.
    const callback = parseAuthorizationCallback(url, { dataCenters, defaultLocation: config.dc })
    return manager.createFromCode({
      id: o.connectionId,
      code: callback.code,
      dc: callback.location,
      redirectURI: target.redirectURI,
      codeVerifier: pkce.verifier,
      // Logging in again under a name replaces that connection's grant, as `gh auth login` does.
      replace: true,
    })
  }

  const onCallback = async (url: URL): Promise<CallbackAnswer> => {
    try {
      await verifyState(url.searchParams.get('state'), { key, consumed })
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      waiting.note(`zoho-auth: refused a callback: ${message}; still waiting for the real one.`)
      return { status: 400, html: page.refused({ message }) }
    }
    // The wait already ended (timeout, Ctrl-C) and we said nothing was stored: keep it true.
    if (ended) {
      return { status: 410, html: page.refused({ message: 'This login has already ended' }) }
    }
    const done = complete(url)
    accept({ done })
    return done.then(
      (connection) => ({
        status: 200,
        html: page.success({
          who: whoConnected(connection),
          dc: connection.dc,
          connection: connection.id,
        }),
      }),
      failurePage,
    )
  }

  const listener = await listenForCallback({ target, onCallback })
  try {
    ctx.stderr.write(
      `Open this URL in a browser on this machine to sign in to Zoho (${home.location} data centre):\n\n  ${authorizeURL.href}\n\n`,
    )
    const plan = browserPlan({
      url: authorizeURL.href,
      platform: o.platform ?? process.platform,
      env: ctx.env,
      noBrowser: o.noBrowser,
    })
    if (plan.open) {
      if (!(await openBrowser(plan))) {
        ctx.stderr.write(`Could not start ${plan.command}; open the URL above yourself.\n`)
      }
    } else {
      ctx.stderr.write(
        `Not opening a browser (${plan.reason}). Without a browser on this machine, run \`zoho-auth login --device\`.\n`,
      )
    }
    const spinner = startWaiting({
      out: ctx.stderr,
      env: ctx.env,
      text: `Waiting for the sign-in to reach ${target.redirectURI}`,
      deadline,
    })
    waiting.note = (text) => spinner.note(text)
    try {
      const completion = await bounded(accepted, {
        ms: o.timeoutMs,
        signal: ctx.signal,
        onTimeout: () =>
          new LoginError(
            ERR_LOGIN_TIMEOUT,
            `No sign-in reached ${target.redirectURI} within ${Math.round(o.timeoutMs / 1000)} s; nothing was stored`,
            {
              remedy: `Run \`zoho-auth login\` again and finish signing in; if Zoho showed "Invalid Redirect URI", register exactly ${target.redirectURI} for this client in the Zoho API console; without a browser here, use \`zoho-auth login --device\`.`,
            },
          ),
      })
      return await completion.done
    } finally {
      spinner.stop()
    }
  } finally {
    ended = true
    await listener.close()
  }
}
