/**
 * The emulated Zoho's pages: consent, errors and device verification. Plain server-rendered HTML
 * forms that POST back, so they work without JavaScript and in any test browser.
 */

export function escapeHTML(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHTML(title)} · Zoho Accounts (emulator)</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.3rem}ul{padding-left:1.2rem}button{padding:.5rem 1.2rem;margin-right:.5rem}
select,input{padding:.4rem;width:100%;margin:.3rem 0 1rem}.error{color:#b00}</style></head>
<body>${body}</body></html>
`
}

function hidden(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHTML(k)}" value="${escapeHTML(v)}">`)
    .join('\n')
}

function userSelect(users: { email: string; dc: string }[], selected?: string): string {
  const options = users
    .map(
      (u) =>
        `<option value="${escapeHTML(u.email)}"${u.email === selected ? ' selected' : ''}>` +
        `${escapeHTML(u.email)} (${escapeHTML(u.dc)})</option>`,
    )
    .join('')
  return `<label for="email">Sign in as</label>
<select id="email" name="email">${options}</select>`
}

export interface ConsentPage {
  action: string
  clientId: string
  scopes: string[]
  users: { email: string; dc: string }[]
  selectedEmail?: string | undefined
  /** Offer "grant access for the entire session" (the implicit flow's consent). */
  sessionChoice?: boolean
  /** The authorize request's parameters, posted back with the decision. */
  params: Record<string, string>
}

// Zoho's consent page for JS apps: unticked, a refresh by redirect answers client_not_granted.
const SESSION_CHOICE = `<p><label><input type="checkbox" id="grant_for_session" name="grant_for_session" value="true" checked style="width:auto">
Grant access for the entire session</label></p>`

export function consentPage(input: ConsentPage): string {
  const scopes = input.scopes.map((s) => `<li><code>${escapeHTML(s)}</code></li>`).join('')
  const form =
    input.users.length === 0
      ? '<p class="error">No users yet: add one with POST /__emulator/users.</p>'
      : `<form method="post" action="${escapeHTML(input.action)}">
${hidden(input.params)}
${userSelect(input.users, input.selectedEmail)}
${input.sessionChoice ? SESSION_CHOICE : ''}
<button type="submit" name="decision" value="accept">Accept</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`
  return page(
    'Consent',
    `<h1>Application <code>${escapeHTML(input.clientId)}</code> would like to access your Zoho account</h1>
<p>It asks for:</p><ul>${scopes}</ul>
${form}`,
  )
}

export function errorPage(code: string, message: string): string {
  return page(
    'Error',
    `<h1 class="error">${escapeHTML(code)}</h1><p id="error-code" data-error="${escapeHTML(code)}">${escapeHTML(message)}</p>`,
  )
}

export function devicePage(input: {
  action: string
  users: { email: string; dc: string }[]
  userCode?: string
  message?: string
}): string {
  const message = input.message ? `<p id="message">${escapeHTML(input.message)}</p>` : ''
  return page(
    'Device',
    `<h1>Connect a device</h1>${message}
<form method="post" action="${escapeHTML(input.action)}">
<label for="user_code">Code shown on your device</label>
<input id="user_code" name="user_code" value="${escapeHTML(input.userCode ?? '')}" autocomplete="off">
${userSelect(input.users)}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  )
}
