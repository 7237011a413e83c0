/**
 * Every command, lazily: `$(zoho-auth token)` runs in every script, so start-up imports this list
 * only, and a command's module (with what it needs: a store driver, an HTTP server, the API
 * client) loads when that command runs. `--help` lists these summaries without loading any.
 */
import type { Command } from '../command.js'

export interface CommandEntry {
  name: string
  /** One line for `zoho-auth --help`. */
  summary: string
  load(): Promise<Command>
}

/** In the order `--help` lists them. */
export const commands: readonly CommandEntry[] = [
  {
    name: 'login',
    summary: 'sign in to Zoho in a browser (or --device) and store the connection',
    load: async () => (await import('./login.js')).loginCommand,
  },
  {
    name: 'exchange',
    summary: 'exchange a Self Client code (or self_client.json) for a stored connection',
    load: async () => (await import('./exchange.js')).exchangeCommand,
  },
  {
    name: 'import',
    summary: 'import an existing refresh token as a stored connection',
    load: async () => (await import('./import.js')).importCommand,
  },
  {
    name: 'token',
    summary: 'print a valid access token (refreshing it once if needed)',
    load: async () => (await import('./token.js')).tokenCommand,
  },
  {
    name: 'api',
    summary: 'call a Zoho API with the connection’s token, like gh api',
    load: async () => (await import('./api.js')).apiCommand,
  },
  {
    name: 'exec',
    summary: 'run a command with ZOHO_ACCESS_TOKEN and ZOHO_API_DOMAIN set',
    load: async () => (await import('./exec.js')).execCommand,
  },
  {
    name: 'connections',
    summary: 'list, show, use (the default), rename or remove stored connections',
    load: async () => (await import('./connections.js')).connectionsCommand,
  },
  {
    name: 'revoke',
    summary: 'revoke a connection at Zoho (it is kept, marked revoked)',
    load: async () => (await import('./revoke.js')).revokeCommand,
  },
  {
    name: 'keys',
    summary: 'keys rotate: re-encrypt every stored secret under a new key',
    load: async () => (await import('./keys.js')).keysCommand,
  },
  {
    name: 'doctor',
    summary: 'check credentials, DC, store, key, refresh and scopes, with a fix for each',
    load: async () => (await import('./doctor.js')).doctorCommand,
  },
  {
    name: 'crm',
    summary: 'CRM recipes: leads create, fields audit, fields ensure, user, org',
    load: async () => (await import('./crm.js')).crmCommand,
  },
  {
    name: 'invoice',
    summary: 'Zoho Invoice recipes: invoice create',
    load: async () => (await import('./invoice.js')).invoiceCommand,
  },
  {
    name: 'completion',
    summary: 'print a shell completion script (bash, zsh or fish)',
    load: async () => (await import('./completion.js')).completionCommand,
  },
  {
    name: 'serve',
    summary:
      'run the broker: HTTP API, proxy, connect flow and web UI (sandbox without credentials)',
    load: async () => (await import('./serve.js')).serveCommand,
  },
  {
    name: 'emulator',
    summary: 'run the offline Zoho emulator (every DC, demo clients and users)',
    load: async () => (await import('./emulator.js')).emulatorCommand,
  },
]
