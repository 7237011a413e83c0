/**
 * The pages the browser shows after Zoho's redirect: one sentence of what happened and what to
 * do, no scripts, nothing loaded from elsewhere. Every value is escaped; messages were already
 * redacted by the errors that carry them.
 */

function escapeHTML(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )
}

function layout(title: string, body: string, ok: boolean): string {
  const colour = ok ? '#1a7f37' : '#cf222e'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHTML(title)} · zoho-auth</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:1.4rem;color:${colour}}code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}</style>
</head><body><h1>${escapeHTML(title)}</h1>${body}</body></html>`
}

/** Backticks in remedies name commands; show them as code. */
function prose(text: string): string {
  return escapeHTML(text.replace(/\.$/, '')).replace(/`([^`]+)`/g, '<code>$1</code>')
}

export const page = {
  success(o: { who: string; dc: string; connection: string }): string {
    return layout(
      'Signed in',
      `<p>zoho-auth is connected to Zoho as <strong>${escapeHTML(o.who)}</strong> in data centre <strong>${escapeHTML(o.dc)}</strong> (connection <code>${escapeHTML(o.connection)}</code>).</p><p>You can close this tab and return to the terminal.</p>`,
      true,
    )
  },

  failure(o: { message: string; remedy: string }): string {
    return layout(
      'Sign-in failed',
      `<p>${prose(o.message)}.</p><p><strong>What to do:</strong> ${prose(o.remedy)}.</p><p>Nothing was stored. The terminal shows the same message.</p>`,
      false,
    )
  },

  /** A callback this login refuses but keeps waiting past (forged or reused state). */
  refused(o: { message: string }): string {
    return layout(
      'This sign-in link cannot be used',
      `<p>${prose(o.message)}.</p><p>If you started <code>zoho-auth login</code>, use the link it printed in the terminal; it is still waiting.</p>`,
      false,
    )
  },

  notHere(text: string): string {
    return layout('Not found', `<p>${escapeHTML(text)}</p>`, false)
  },
}
