/**
 * Registering clients and users (the API console and sign-up of the emulated Zoho), shared by the
 * control API and the demo data.
 */
import type { EmulatorContext } from './context.js'
import { isDc, type Dc } from './dcs.js'
import { newClientId, newClientSecret, newRecordId, newZuid } from './random.js'
import type { Client, ClientType, User } from './state.js'

export class RegistryError extends Error {
  override name = 'RegistryError'
}

const CLIENT_TYPES: readonly ClientType[] = ['server', 'self', 'client', 'device']

export interface ClientSpec {
  type?: unknown
  redirect_uris?: unknown
  javascript_origins?: unknown
  dcs?: unknown
  dc_secrets?: unknown
}

function stringList(value: unknown, name: string): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new RegistryError(`"${name}" must be an array of strings`)
  }
  return value as string[]
}

function dcList(value: unknown, name: string): Dc[] {
  const list = stringList(value, name)
  for (const dc of list) if (!isDc(dc)) throw new RegistryError(`unknown dc "${dc}" in "${name}"`)
  return list as Dc[]
}

const SCRIPT_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:'])

/**
 * A client-based app's JavaScript origins: as registered, or by default the origins of its
 * redirect URIs (the console's "JavaScript Domain" is usually the app's own). Other types: none.
 */
function originList(value: unknown, type: ClientType, redirectURIs: string[]): string[] {
  const listed = stringList(value, 'javascript_origins')
  if (listed.length > 0 && type !== 'client') {
    throw new RegistryError('"javascript_origins" is for client-based clients ("type":"client")')
  }
  for (const origin of listed) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new RegistryError(
        `"javascript_origins" must hold origins like "https://app.example.com", without a path (got ${JSON.stringify(origin)})`,
      )
    }
  }
  if (type !== 'client') return []
  if (listed.length > 0) return listed
  return [...new Set(redirectURIs.map((uri) => new URL(uri).origin).filter((o) => o !== 'null'))]
}

export function createClient(ctx: EmulatorContext, spec: ClientSpec): Client {
  const type = (spec.type ?? 'server') as ClientType
  if (!CLIENT_TYPES.includes(type)) {
    throw new RegistryError(
      `"type" must be one of ${CLIENT_TYPES.join(', ')} (got ${JSON.stringify(spec.type)})`,
    )
  }
  const dcs = spec.dcs === undefined ? (['us'] as Dc[]) : [...new Set(dcList(spec.dcs, 'dcs'))]
  if (dcs.length === 0) throw new RegistryError('"dcs" must name at least one dc')
  // Self Client cannot use multi-DC: its codes live in one DC.
  if (type === 'self' && dcs.length !== 1) {
    throw new RegistryError('a self client lives in exactly one dc')
  }
  const redirectURIs = stringList(spec.redirect_uris, 'redirect_uris')
  // The console takes absolute URLs only, and a fragment would collide with the implicit flow's.
  for (const uri of redirectURIs) {
    if (!URL.canParse(uri) || uri.includes('#')) {
      throw new RegistryError(
        `"redirect_uris" must hold absolute URLs without a fragment (got ${JSON.stringify(uri)})`,
      )
    }
    // A redirect to javascript: or data: would run the token's fragment as script in the page.
    if (SCRIPT_SCHEMES.has(new URL(uri).protocol)) {
      throw new RegistryError(
        `"redirect_uris" cannot use the ${new URL(uri).protocol} scheme: it runs as script, not a page (got ${JSON.stringify(uri)})`,
      )
    }
  }
  const javascriptOrigins = originList(spec.javascript_origins, type, redirectURIs)
  const secretDcs = dcList(spec.dc_secrets, 'dc_secrets')
  for (const dc of secretDcs) {
    if (!dcs.includes(dc)) throw new RegistryError(`dc_secrets names "${dc}", not in "dcs"`)
  }
  const client: Client = {
    clientId: newClientId(ctx.random, type === 'device'),
    secret: newClientSecret(ctx.random),
    type,
    redirectURIs,
    javascriptOrigins,
    dcs,
    dcSecrets: Object.fromEntries(secretDcs.map((dc) => [dc, newClientSecret(ctx.random)])),
    grantCodeTimes: [],
  }
  ctx.state.clients.set(client.clientId, client)
  ctx.stats.track(client.clientId)
  return client
}

export function clientJSON(client: Client): Record<string, unknown> {
  const body: Record<string, unknown> = {
    client_id: client.clientId,
    client_secret: client.secret,
    type: client.type,
    redirect_uris: client.redirectURIs,
    dcs: client.dcs,
    home_dc: client.dcs[0],
  }
  if (client.type === 'client') body.javascript_origins = client.javascriptOrigins
  if (Object.keys(client.dcSecrets).length > 0) body.dc_secrets = { ...client.dcSecrets }
  return body
}

export interface UserSpec {
  email?: unknown
  dc?: unknown
  first_name?: unknown
  last_name?: unknown
}

export function createUser(ctx: EmulatorContext, spec: UserSpec): User {
  if (typeof spec.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(spec.email)) {
    throw new RegistryError('"email" must be an email address')
  }
  const dc = spec.dc ?? 'us'
  if (!isDc(dc)) throw new RegistryError(`unknown dc "${String(dc)}"`)
  for (const [name, value] of [
    ['first_name', spec.first_name],
    ['last_name', spec.last_name],
  ] as const) {
    if (value !== undefined && typeof value !== 'string') {
      throw new RegistryError(`"${name}" must be a string`)
    }
  }
  if (ctx.state.userByEmail(spec.email)) {
    throw new RegistryError(`a user with email "${spec.email}" exists`)
  }
  const local = spec.email.split('@')[0] ?? 'user'
  const words = local.split(/[._-]+/).filter(Boolean)
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)
  const user: User = {
    zuid: newZuid(ctx.random),
    email: spec.email,
    dc,
    firstName: typeof spec.first_name === 'string' ? spec.first_name : cap(words[0] ?? local),
    lastName: typeof spec.last_name === 'string' ? spec.last_name : cap(words[1] ?? 'User'),
    crmUserId: newRecordId(ctx.random),
    orglessServices: [],
  }
  ctx.state.users.set(user.zuid, user)
  return user
}

export function userJSON(user: User): Record<string, unknown> {
  return {
    zuid: user.zuid,
    email: user.email,
    dc: user.dc,
    first_name: user.firstName,
    last_name: user.lastName,
  }
}
