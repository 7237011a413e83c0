/**
 * What every UI route shares: pages need a signed-in session (else to the sign-in page), actions
 * need the session's CSRF token as well (else a 403 page), form bodies are small, and a failure
 * becomes a page that says what happened, never a JSON body or a stack.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { BrokerDeps } from '../deps.js'
import { describeError } from '../errors.js'
import { messagePage } from './html.js'
import { csrfToken, isCsrfToken, readSession, type UiSession } from './session.js'

/** A form of the UI holds a name or a few ids: anything larger is not one of ours. */
export const MAX_FORM_BYTES = 16 * 1024

export interface UiRequest {
  c: Context
  session: UiSession
  /** The CSRF token to put in this page's forms. */
  csrf: string
  /** The submitted form (actions only). */
  form: Record<string, string>
}

type UiHandler = (request: UiRequest) => Promise<Response> | Response

/**
 * No other site may frame a broker page: a transparent frame over "Revoke" is clickjacking.
 * Set on every page the UI and the connect flow answer.
 */
export function noFraming(): MiddlewareHandler {
  return async (c, next) => {
    await next()
    c.header('x-frame-options', 'DENY')
    c.header('content-security-policy', "frame-ancestors 'none'")
    c.header('x-content-type-options', 'nosniff')
  }
}

/** Answers with a message page (no caching: pages can show one-time values). */
export function uiPage(
  c: Context,
  deps: BrokerDeps,
  status: ContentfulStatusCode,
  page: {
    title: string
    message: string
    remedy?: string
    ok?: boolean
    links?: Array<{ href: string; text: string }>
  },
): Response {
  return c.html(
    messagePage({
      ...page,
      ok: page.ok ?? false,
      sandboxEmulatorUrl: deps.settings.sandboxEmulatorUrl,
    }),
    status,
    { 'cache-control': 'no-store' },
  )
}

async function failurePage(c: Context, deps: BrokerDeps, error: unknown): Promise<Response> {
  const { status, body } = describeError(error)
  if (status >= 500) {
    deps.logger.error({ msg: 'ui action failed', code: body.error.code, error: body.error.message })
  }
  return uiPage(c, deps, status, {
    title: 'That did not work',
    message: body.error.message,
    remedy: body.error.remedy,
    links: [{ href: '/', text: 'Back to connections' }],
  })
}

/** A page for the signed-in admin; without a session, the sign-in page. */
export function page(deps: BrokerDeps, handler: UiHandler) {
  return async (c: Context): Promise<Response> => {
    const session = readSession(c, deps)
    if (session === null) return c.redirect('/sign-in', 302)
    // So the request log says who asked.
    c.set('caller', { kind: 'admin' })
    try {
      return await handler({ c, session, csrf: csrfToken(deps, session), form: {} })
    } catch (error) {
      return failurePage(c, deps, error)
    }
  }
}

/** Refuses a form larger than MAX_FORM_BYTES with a page, before it is read. */
export function formLimit(deps: BrokerDeps): MiddlewareHandler {
  return bodyLimit({
    maxSize: MAX_FORM_BYTES,
    onError: (c) =>
      uiPage(c, deps, 413, {
        title: 'That form is too large',
        message: `The broker accepts forms up to ${MAX_FORM_BYTES / 1024} KB`,
        remedy: 'Go back and submit the form as the page offers it',
      }),
  })
}

async function readForm(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? ''
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return {}
  const body = await c.req.parseBody()
  const form: Record<string, string> = {}
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') form[key] = value
  return form
}

/** A POST action: needs the session and its CSRF token (`_csrf` field or `X-CSRF-Token`). */
export function action(deps: BrokerDeps, handler: UiHandler) {
  return async (c: Context): Promise<Response> => {
    const session = readSession(c, deps)
    if (session === null) {
      return uiPage(c, deps, 401, {
        title: 'Sign in first',
        message: 'This action needs a signed-in broker admin, and the session has ended',
        remedy: 'Sign in with the admin token and try again',
        links: [{ href: '/sign-in', text: 'Sign in' }],
      })
    }
    c.set('caller', { kind: 'admin' })
    let form: Record<string, string>
    try {
      form = await readForm(c)
    } catch {
      form = {}
    }
    const presented = form._csrf ?? c.req.header('x-csrf-token')
    if (!isCsrfToken(deps, session, presented)) {
      return uiPage(c, deps, 403, {
        title: 'This form has expired',
        message:
          presented === undefined || presented === ''
            ? 'The request carries no CSRF token, so the broker cannot tell it came from its own page'
            : 'The request’s CSRF token is not this session’s, so the broker cannot tell it came from its own page',
        remedy: 'Go back, reload the page, and submit the form again',
        links: [{ href: '/', text: 'Back to connections' }],
      })
    }
    try {
      return await handler({ c, session, csrf: csrfToken(deps, session), form })
    } catch (error) {
      return failurePage(c, deps, error)
    }
  }
}
