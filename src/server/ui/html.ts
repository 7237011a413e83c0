/**
 * The HTML every broker page shares: one stylesheet, a header, the sandbox banner, and message
 * pages (what happened, what to do). Every value that reaches a page goes through `escapeHTML`;
 * messages from errors are redacted again here, so a token in a message can never be rendered.
 */
import { redact } from '../../protocol/redact.js'

/** Escapes text for HTML content and attribute values alike. */
export function escapeHTML(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )
}

/** Redacted, then escaped: for messages that came from errors or from Zoho. */
export function safeText(text: string): string {
  return escapeHTML(redact(text))
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;background:#f6f8fa}
a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}
header{background:#fff;border-bottom:1px solid #d0d7de}
.bar{max-width:72rem;margin:0 auto;padding:.75rem 1.5rem;display:flex;align-items:center;gap:1.5rem}
.brand{font-weight:700;font-size:1.05rem;color:#1f2328}.brand span{color:#e42527}
nav{display:flex;gap:1rem;flex:1}nav a{color:#57606a;font-weight:500}nav a.on{color:#1f2328}
main{max-width:72rem;margin:1.5rem auto;padding:0 1.5rem}
h1{font-size:1.35rem;margin:0 0 1rem}h2{font-size:1.05rem;margin:0 0 .75rem}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1.25rem;margin-bottom:1.25rem}
.narrow{max-width:32rem;margin:3rem auto}
table{width:100%;border-collapse:collapse;font-size:.9rem}
th{text-align:left;color:#57606a;font-weight:600;border-bottom:1px solid #d0d7de;padding:.5rem}
td{border-bottom:1px solid #eaeef2;padding:.55rem .5rem;vertical-align:top}
tr:last-child td{border-bottom:0}
.scroll{overflow-x:auto}.nowrap{white-space:nowrap}
code,pre{font:.85rem ui-monospace,SFMono-Regular,Menlo,monospace;background:#f6f8fa;border-radius:4px}
code{padding:.1rem .3rem}pre{padding:.75rem;overflow:auto;max-height:24rem;border:1px solid #d0d7de}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.75rem;font-weight:600}
.badge.active{background:#dafbe1;color:#1a7f37}.badge.needs_reauth{background:#fff8c5;color:#9a6700}
.badge.revoked{background:#ffebe9;color:#cf222e}.badge.default{background:#ddf4ff;color:#0969da}
.muted{color:#57606a}.small{font-size:.8rem}.error{color:#cf222e}
.actions{display:flex;flex-wrap:wrap;gap:.35rem;min-width:10rem}.actions form{margin:0}
button,.button{font:inherit;font-size:.85rem;padding:.3rem .75rem;border-radius:6px;border:1px solid #d0d7de;background:#f6f8fa;color:#1f2328;cursor:pointer;display:inline-block}
button:hover,.button:hover{background:#eaeef2;text-decoration:none}
button.primary,.button.primary{background:#1f883d;border-color:#1a7f37;color:#fff}
button.danger{color:#cf222e}button.danger:hover{background:#cf222e;color:#fff}
label{display:block;font-weight:600;font-size:.85rem;margin:.75rem 0 .25rem}
input,select{font:inherit;width:100%;padding:.4rem .6rem;border:1px solid #d0d7de;border-radius:6px;background:#fff}
.row{display:flex;gap:1rem;align-items:flex-end;flex-wrap:wrap}.row>div{flex:1;min-width:10rem}
.banner{background:#fff8c5;border-bottom:1px solid #d4a72c;font-size:.85rem}
.banner .bar{padding:.5rem 1.5rem;display:block}
.notice{border-left:4px solid #1a7f37}.notice.bad{border-left-color:#cf222e}
.secret{font-size:1rem;padding:.5rem .75rem;display:block;word-break:break-all;border:1px solid #d4a72c;background:#fff8c5}
`

export interface LayoutOptions {
  title: string
  body: string
  /** The built-in emulator's URL in sandbox mode: shown in a banner. */
  sandboxEmulatorUrl?: string | undefined
  /** Signed in: the navigation and the sign-out form (which needs the CSRF token). */
  nav?: { current: 'connections' | 'keys'; csrf: string }
}

/** A whole page. `body` is HTML the caller built from escaped values. */
export function layout(o: LayoutOptions): string {
  const banner =
    o.sandboxEmulatorUrl === undefined
      ? ''
      : `<div class="banner"><div class="bar"><strong>Sandbox mode</strong>: no Zoho credentials are configured, so this broker talks to its built-in Zoho emulator at <a href="${escapeHTML(o.sandboxEmulatorUrl)}">${escapeHTML(o.sandboxEmulatorUrl)}</a>. Nothing reaches the real Zoho.</div></div>`
  const nav =
    o.nav === undefined
      ? '<nav></nav>'
      : `<nav><a href="/" class="${o.nav.current === 'connections' ? 'on' : ''}">Connections</a><a href="/ui/keys" class="${o.nav.current === 'keys' ? 'on' : ''}">API keys</a><a href="/api/v1/openapi.json">API</a></nav>
<form method="post" action="/sign-out">${csrfField(o.nav.csrf)}<button type="submit">Sign out</button></form>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHTML(o.title)} · zoho-auth broker</title><style>${STYLE}</style></head>
<body>${banner}<header><div class="bar"><a class="brand" href="/">zoho<span>-</span>auth</a>${nav}</div></header>
<main>${o.body}</main></body></html>`
}

/** The hidden field every form that changes something carries. */
export function csrfField(token: string): string {
  return `<input type="hidden" name="_csrf" value="${escapeHTML(token)}">`
}

export interface MessagePageOptions {
  title: string
  message: string
  remedy?: string
  ok: boolean
  /** Links offered below the message, e.g. back to the UI. */
  links?: Array<{ href: string; text: string }>
  sandboxEmulatorUrl?: string | undefined
}

/** Backticks in remedies name commands or values; show them as code. */
function prose(text: string): string {
  return safeText(text.replace(/\.$/, '')).replace(/`([^`]+)`/g, '<code>$1</code>')
}

/** A page that says one thing: what happened, and what to do about it. */
export function messagePage(o: MessagePageOptions): string {
  const links = (o.links ?? [])
    .map((link) => `<a class="button" href="${escapeHTML(link.href)}">${escapeHTML(link.text)}</a>`)
    .join(' ')
  return layout({
    title: o.title,
    sandboxEmulatorUrl: o.sandboxEmulatorUrl,
    body: `<div class="card narrow notice${o.ok ? '' : ' bad'}"><h1 class="${o.ok ? '' : 'error'}">${escapeHTML(o.title)}</h1>
<p>${prose(o.message)}.</p>${o.remedy === undefined ? '' : `<p><strong>What to do:</strong> ${prose(o.remedy)}.</p>`}${links === '' ? '' : `<p>${links}</p>`}</div>`,
  })
}

/** True when `text` holds a control character (C0 or DEL): never part of a name or a URL. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}
