/**
 * Where a connect flow may send the person afterwards: the broker's own origin or one of
 * `settings.returnToOrigins`, nothing else — an open redirect would hand a phishing page the
 * broker's good name (docs/architecture.md, "Security decisions").
 */
import type { BrokerSettings } from '../deps.js'
import { hasControlCharacter } from '../ui/html.js'

/**
 * The origins a person may be sent back to, and that may call the browser routes
 * (browser/cors.ts): the broker's own and the allowlist's; one that does not parse is skipped.
 */
export function allowedOrigins(
  settings: Pick<BrokerSettings, 'publicUrl' | 'returnToOrigins'>,
): string[] {
  return [settings.publicUrl, ...settings.returnToOrigins].flatMap((origin) => {
    try {
      return [new URL(origin).origin]
    } catch {
      return []
    }
  })
}

/**
 * The absolute URL `raw` names if it is allowed, else null. A relative path is resolved against
 * the broker's public URL first, so `//evil.example` and `/\evil.example` are judged by the host
 * a browser would go to, not by how they are spelled.
 */
export function allowedReturnTo(
  settings: Pick<BrokerSettings, 'publicUrl' | 'returnToOrigins'>,
  raw: string,
): string | null {
  if (raw.trim() === '' || hasControlCharacter(raw)) return null
  let url: URL
  try {
    url = new URL(raw, `${settings.publicUrl}/`)
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  if (url.username !== '' || url.password !== '') return null
  return allowedOrigins(settings).includes(url.origin) ? url.href : null
}
