/**
 * Zoho scopes: `Service.resource.OPERATION`, comma-separated on the wire. A broader scope covers a
 * narrower one (`ZohoCRM.users.ALL` and `ZohoCRM.ALL` both cover `ZohoCRM.users.READ`).
 */

export function parseScopes(value: unknown): string[] {
  const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []
  return list
    .flatMap((s) => s.split(/[,\s]+/))
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

function covers(granted: string, required: string): boolean {
  const g = granted.toLowerCase().split('.')
  const r = required.toLowerCase().split('.')
  if (g.join('.') === r.join('.')) return true
  // `Service.ALL` covers everything of that service.
  if (g.length === 2 && g[1] === 'all' && g[0] === r[0]) return true
  // Books/Invoice: `ZohoInvoice.fullaccess.all` covers every resource of the service.
  if (g.length === 3 && g[1] === 'fullaccess' && g[2] === 'all' && g[0] === r[0]) return true
  // `Service.resource.ALL` covers every operation on that resource (and its sub-resources).
  if (g.length >= 3 && g[g.length - 1] === 'all') {
    const prefix = g.slice(0, -1)
    return prefix.every((part, i) => r[i] === part) && r.length > prefix.length
  }
  return false
}

/** True when any granted scope covers `required`. */
export function hasScope(granted: readonly string[], required: string): boolean {
  return granted.some((g) => covers(g, required))
}
