/** The demo app's page (see demo.ts): markup and styles; the behaviour is in demo-script.ts. */
const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;background:#f4f6fa;color:#1d2433}
header{display:flex;align-items:center;gap:1rem;padding:.8rem 1.5rem;background:#1f3a68;color:#fff}
header .logo{font-weight:700;font-size:1.1rem}header .tag{opacity:.75;font-size:.85rem}
main{max-width:960px;margin:1.5rem auto;padding:0 1rem;display:grid;grid-template-columns:minmax(0,1fr) 320px;gap:1.2rem}
.card{background:#fff;border:1px solid #dde3ee;border-radius:10px;padding:1.1rem 1.3rem;box-shadow:0 1px 2px rgba(20,30,60,.05)}
h2{font-size:1rem;margin:0 0 .7rem}.muted{color:#5b6478;font-size:.88rem}
nav.modes{grid-column:1/-1;display:flex;gap:.5rem}
nav.modes a{padding:.45rem .9rem;border-radius:999px;border:1px solid #c5cfe2;color:#1f3a68;text-decoration:none;background:#fff}
nav.modes a.on{background:#1f3a68;color:#fff;border-color:#1f3a68}
button{font:inherit;padding:.45rem .9rem;border-radius:7px;border:1px solid #1f3a68;background:#1f3a68;color:#fff;cursor:pointer}
button.ghost{background:#fff;color:#1f3a68}button:disabled{opacity:.5;cursor:default}
.who{display:flex;align-items:center;gap:.6rem;font-size:1.05rem;margin:.2rem 0 .8rem}
.dc{font-size:.75rem;font-weight:700;padding:.1rem .45rem;border-radius:5px;background:#e3ecff;color:#1f3a68}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.8rem 0}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#0f1a2e;color:#d5e2ff;padding:.8rem;border-radius:8px;overflow:auto;font-size:.82rem;min-height:3rem;margin:0}
ul{list-style:none;padding:0;margin:0}li{display:flex;align-items:center;justify-content:space-between;gap:.5rem;padding:.55rem 0;border-bottom:1px solid #eef1f6}
li:last-child{border-bottom:0}li.active .email{font-weight:700}li .note{display:block;font-size:.78rem;color:#5b6478}
.error{display:none;background:#fff1f0;border:1px solid #f3b8b3;color:#8a1f17;border-radius:8px;padding:.7rem .9rem;margin-top:.8rem}
.error.on{display:block}
`

/**
 * The page, with the demo's configuration as JSON the script reads (never executed; `<` is
 * escaped so no value can close the script element).
 */
export function demoPage(config: Record<string, unknown>): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pipeline — zoho-auth/browser demo</title><style>${STYLE}</style></head>
<body>
<header><span class="logo">Pipeline</span><span class="tag">a client-based demo app on zoho-auth/browser · sandbox (offline Zoho)</span></header>
<main>
<nav class="modes"><a id="mode-direct" href="/demo/browser/">Direct (Zoho session)</a><a id="mode-broker" href="/demo/browser/?mode=broker">Broker-backed</a></nav>
<section class="card">
<h2 id="mode-title">Signed in</h2>
<p class="muted" id="mode-help"></p>
<div class="who"><span id="who">nobody</span><span class="dc" id="dc" hidden></span></div>
<div class="actions">
<button id="signin">Sign in with Zoho</button>
<button id="call" class="ghost">Call CurrentUser</button>
<button id="refresh" class="ghost">Get a fresh token</button>
<button id="signout" class="ghost">Sign out</button>
</div>
<pre id="result">Sign in, then call CRM's CurrentUser with the active account's token.</pre>
<div class="error" id="error"></div>
</section>
<aside class="card"><h2>Accounts in this browser</h2><ul id="accounts"></ul>
<p class="muted" id="accounts-help">Each sign-in adds an account here (demo users: ada@example.com in the US, emil@example.eu in the EU).</p></aside>
</main>
<script type="application/json" id="demo-config">${JSON.stringify(config).replace(/</g, '\\u003c')}</script>
<script type="module" src="/demo/browser/app.js"></script>
</body></html>
`
}
