// Renders docs/benchmarks.md from what the run measured. Nothing here is a hand-written number.
import { cpus, loadavg, platform, release, totalmem } from 'node:os'
import { brokerSection } from './broker-report.js'

const fmt = (value, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits }) : '—'

function errorSummary(errors) {
  const entries = Object.entries(errors ?? {}).sort((a, b) => b[1] - a[1])
  if (entries.length === 0) return ''
  return entries
    .slice(0, 3)
    .map(
      ([message, count]) =>
        `${count}× \`${message.replace(/\|/g, '/').replace(/\s+/g, ' ').slice(0, 90)}\``,
    )
    .join('; ')
}

function describeStore(store) {
  const header = store.headerIntact ? '' : ', **CSV header lost**'
  return `${store.rows} row(s), ${store.duplicateRows} duplicate(s)${header}`
}

function burstRow(row) {
  if (row.skipped) return `| ${row.label} | skipped | | | | ${row.skipped} |`
  if (row.fatal && row.calls === undefined)
    return `| ${row.label} | failed | | | | ${row.fatal.replace(/\|/g, '/').slice(0, 200)} |`
  const notes = []
  if (row.expiredByClientClock === false || row.expiredBySDKClock === false)
    notes.push('⚠ token was not expired at start')
  if (row.lateInit) notes.push('⚠ a child initialised after expiry')
  if (row.store) notes.push(`FileStore after run: ${describeStore(row.store)}`)
  if (row.trials) {
    notes.push(
      `${row.trials.length} trials; per trial: ` +
        row.trials.map((t) => `${t.refreshes} refreshes → ${describeStore(t)}`).join(' · '),
    )
  }
  if (row.apiCalls !== undefined)
    notes.push(`${fmt(row.apiCalls)} API calls reached the emulator (refused ones included)`)
  if (row.distinctTokens !== undefined)
    notes.push(`${row.distinctTokens} distinct access token(s) handed out`)
  const errors = errorSummary(row.errors)
  if (errors) notes.push(`errors: ${errors}`)
  return `| ${row.label} | **${fmt(row.refreshes)}** | ${fmt(row.throttled)} | ${fmt(row.ok)} / ${fmt(row.failed)} | ${row.elapsedMs === undefined ? '—' : `${fmt(row.elapsedMs)} ms`} | ${notes.join('; ')} |`
}

function coldRows(row) {
  if (row.skipped || row.fatal)
    return [`| ${row.label} | ${row.skipped ?? `failed: ${row.fatal}`} | | | |`]
  const names = {
    node: '`node -e 0` (the floor for any Node CLI)',
    version: '`zoho-auth --version`',
    token: '`zoho-auth token` (cached: the token is in the store)',
  }
  return Object.entries(names).map(([key, label]) => {
    const s = row.cold[key]
    const over = key === 'node' ? '' : ` (+${fmt(s.p50Ms - row.cold.node.p50Ms)} ms)`
    return `| ${label} | ${fmt(s.meanMs, 1)} ms | ${fmt(s.p50Ms, 1)} ms${over} | ${fmt(s.p90Ms, 1)} ms | ${fmt(s.minMs, 1)} ms |`
  })
}

/** The CLI as scripts meet it: start-up cost, and one refresh for a burst of refused tokens. */
function cliSection(rows) {
  const cold = rows.find((row) => row.key === 'cli-cold')
  const burst = rows.find((row) => row.key === 'cli-401')
  if (!cold && !burst) return []
  const lines = ['## The CLI: cold start and the 401 burst', '']
  if (cold) {
    lines.push(
      `Each command spawned ${cold.cold?.node?.runs ?? '—'} times (\`node bin/zoho-auth.js …\`), the three interleaved round by round`,
      'after one warm-up round, wall time from spawn to exit. `token` reads an unexpired token from a SQLite',
      'store and prints it: the path of every `$(zoho-auth token)` in a script. Start-up imports the command',
      "list only; a command's module (and its store driver, HTTP server or API client) loads when it runs.",
      '',
      '| command | mean | p50 | p90 | min |',
      '|---|---|---|---|---|',
      ...coldRows(cold),
      '',
    )
    if (cold.refreshes !== undefined) {
      lines.push(
        `Token requests during these runs: ${fmt(cold.refreshes)}; distinct tokens printed: ${fmt(cold.distinctTokens)}.`,
        '',
      )
    }
  }
  if (burst) {
    lines.push(
      "The 401 burst: the emulator's clock is moved past the stored token's life (`POST /__emulator/clock`), so",
      'Zoho refuses a token every client still trusts by its own clock; the processes start together, each',
      'reads the token from the store, is refused (`INVALID_TOKEN`), and refreshes under the one lease.',
      'Wall time is from the first spawn to the last exit, Node start-up included.',
      '',
      '| scenario | token requests | throttled | calls ok / failed | burst wall time | notes |',
      '|---|---|---|---|---|---|',
      burstRow(burst),
      '',
    )
  }
  return lines
}

/** The browser module's weight on a page, against the issue's 5 kB budget. */
function browserSection(rows) {
  const size = rows.find((row) => row.key === 'browser-size')?.browserSize
  if (!size) return []
  return [
    '## The browser module: bytes on the page',
    '',
    '`zoho-auth/browser` (src/browser/index.ts and all it imports) bundled and minified by esbuild',
    '(`format: esm`, `target: es2022`), then gzipped at level 9 (bench/browser-size.js).',
    '',
    '| module | minified | minified + gzipped | budget |',
    '|---|---|---|---|',
    `| zoho-auth/browser | ${fmt(size.minified)} B | **${fmt(size.gzipped)} B** | ${fmt(size.budget)} B |`,
    ...(size.modes
      ? [
          `| only \`createZohoBrowserAuth\` (direct) imported | ${fmt(size.modes.direct.minified)} B | ${fmt(size.modes.direct.gzipped)} B | |`,
          `| only \`createBrokerClient\` (broker-backed) imported | ${fmt(size.modes.broker.minified)} B | ${fmt(size.modes.broker.gzipped)} B | |`,
        ]
      : []),
    '',
  ]
}

export function renderReport({ rows, startedAt, sdkVersion, burst, perProcess, processes }) {
  const cpu = cpus()
  const bursts = rows.filter(
    (row) => !row.hot && !row.browserSize && !row.key?.startsWith('cli-') && row.key !== 'broker',
  )
  const hot = rows.find((row) => row.hot)?.hot
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (bench/run.js) on ${startedAt.toISOString()}. Do not edit by hand; re-run.`,
    '',
    `Machine: ${cpu.length} core(s) (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM, ` +
      `${platform()} ${release()}, Node ${process.version}; load average at the end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')} ` +
      '(the machine is shared, so absolute speeds are indicative; request counts are not affected).',
    '',
    '## Refresh economy: token requests per burst at expiry',
    '',
    'Each row gets a fresh grant (its own refresh token, so its own quota window), the emulator is set to issue',
    'short-lived access tokens (`access_token_ttl`), every process warms its cache while the token is valid, and',
    "once the token has expired by the client's own clock all processes are released at the same instant",
    `(a shared start time) and fire their calls concurrently. Token requests are counted by the emulator`,
    '(`GET /__emulator/stats` → `token_endpoint.refresh_token`, counters zeroed just before the burst);',
    'throttled = `token_errors["Access Denied"]` (the emulator, like Zoho, allows 10 mints per refresh token per 10 min).',
    '',
    '| scenario | token requests | throttled | calls ok / failed | burst wall time | notes |',
    '|---|---|---|---|---|---|',
    ...bursts.map(burstRow),
    '',
    `Goal for ours: 1 token request per burst, 0 throttled. Burst sizes: ${burst} calls in one process;`,
    `${processes} processes × ${perProcess}.`,
    '',
  ]
  if (hot) {
    lines.push(
      '## Hot path: cached getAccessToken',
      '',
      'One connection, memory store, token valid for an hour; same process and run as the baseline.',
      '',
      '| operation | ops/s |',
      '|---|---|',
      `| bare \`Map.get\` (synchronous) | ${fmt(hot.mapGet)} |`,
      `| \`await\` of a \`Map.get\` (the floor for any async API) | ${fmt(hot.awaitedMapGet)} |`,
      `| \`await manager.getAccessToken(id)\`, one caller in a loop | ${fmt(hot.getAccessToken)} |`,
      `| \`getAccessToken\`, 1,000 concurrent callers per batch | ${fmt(hot.getAccessTokenBatched)} |`,
      '',
      `Latency of one cached call (${fmt(hot.latencySamples)} sequential samples): p50 ${fmt(hot.p50us, 2)} µs,` +
        ` p99 ${fmt(hot.p99us, 2)} µs. Same token returned throughout: ${hot.sameToken ? 'yes' : 'no'}.`,
      '',
    )
  }
  lines.push(...cliSection(rows))
  lines.push(...brokerSection(rows))
  lines.push(...browserSection(rows))
  lines.push(
    "## The peer: Zoho's official TypeScript SDK",
    '',
    `\`@zohocrm/typescript-sdk-8.0\` ${sdkVersion ?? '(not installed)'}, installed only into bench/peers.`,
    "It is pointed at the emulator with `new Environment('{base}/us/api', '{base}/us/accounts/oauth/v2/token', …)`:",
    'the SDK POSTs refreshes to the accounts URL as given (its own US value is the full',
    '`https://accounts.zoho.com/oauth/v2/token`), and after a token response it only swaps environments when',
    "`api_domain` is one of Zoho's hosts, so the custom environment stays. Each process initialises with an",
    '`OAuthToken` (client id, secret, refresh token) and a shared `FileStore` CSV primed by one earlier run, then',
    'calls `OAuthToken.getToken()` — what `authenticate()` runs before every API request — concurrently, or makes',
    'real `UsersOperations.getUsers(type=CurrentUser)` calls. The SDK refreshes when `expiry_time - Date.now() < 5 s`;',
    'it has no single-flight and no lock, so every concurrent caller that sees the expired token sends its own',
    'refresh request, and each successful one also rewrites the CSV (and, with the default `findUser`, calls',
    '`/crm/v8/users?type=CurrentUser`). It has no in-memory store: FileStore (CSV) or DBStore (MySQL) only.',
    'Past the 10th mint Zoho answers `Access Denied` for the rest of the 10-minute window, so in the SDK rows every',
    'caller beyond the first few fails, and so does every refresh until the window ends. (The few that succeed are',
    'the 10 allowed mints less the code exchange and the priming refresh each row spends before its burst.)',
    '',
    'The FileStore rewrites the whole CSV on every save (read, edit, `writeFileSync`) with no lock. The expiry',
    'bursts start from a file that already holds the row, so saves update it in place; the first-start row has',
    'several processes initialise on an empty file at once, where each refreshes and the last writer wins — a',
    'reader that catches a half-written file can write it back without its header line, after which the SDK',
    'treats the first token row as the header and finds no token (seen while building this benchmark; the',
    'trials above show whether it happened in this run).',
    '',
  )
  return lines.join('\n')
}
