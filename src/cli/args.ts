/**
 * Flag parsing for commands: util.parseArgs with our misuse errors, plus the flags every
 * command that opens the store understands.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { ConfigFlags } from '../config.js'
import { UsageError } from './command.js'

type Options = NonNullable<ParseArgsConfig['options']>

/** Flags that override configuration, shared by every command that talks to Zoho or the store. */
export const CONFIG_OPTIONS = {
  db: { type: 'string' },
  dc: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'emulator-url': { type: 'string' },
  'emulator-allow-remote': { type: 'boolean' },
} as const satisfies Options

export const CONFIG_USAGE = `Configuration flags (override the environment and .env):
  --db PATH|URL          SQLite file or postgres:// URL      (ZOHO_AUTH_DB)
  --dc DC                the client's home data centre       (ZOHO_DC, default us)
  --client-id ID         OAuth client id                     (ZOHO_CLIENT_ID)
  --client-secret S      OAuth client secret                 (ZOHO_CLIENT_SECRET)
  --emulator-url URL     talk to a zoho-auth emulator on     (ZOHO_EMULATOR_URL)
                         this machine, with a warning each run
  --emulator-allow-remote
                         allow an https:// emulator elsewhere (ZOHO_EMULATOR_ALLOW_REMOTE=1)`

export function parseFlags<T extends Options>(
  argv: string[],
  options: T,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ options: T; allowPositionals: boolean; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true })
  } catch (error) {
    // parseArgs names the offending flag; keep its words, drop its error-code prefix.
    throw new UsageError(
      error instanceof Error ? error.message.replace(/^[A-Z_]+: /, '') : String(error),
    )
  }
}

/** The ConfigFlags part of parsed values. */
export function configFlags(values: Record<string, unknown>): ConfigFlags {
  const text = (name: string): string | undefined =>
    typeof values[name] === 'string' ? (values[name] as string) : undefined
  return {
    db: text('db'),
    dc: text('dc'),
    clientId: text('client-id'),
    clientSecret: text('client-secret'),
    emulatorURL: text('emulator-url'),
    emulatorAllowRemote: values['emulator-allow-remote'] === true ? true : undefined,
  }
}

/**
 * The port a listening command takes: `--port`, else `PORT`, else its default. `0` asks the
 * system for a free one.
 */
export function listenPort(
  flag: string | undefined,
  env: string | undefined,
  fallback: number,
): number {
  if (flag !== undefined) return parsePort(flag, '--port')
  if (env) return parsePort(env, 'PORT')
  return fallback
}

function parsePort(value: string, source: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value.trim()) || port > 65535) {
    throw new UsageError(`${source} must be a port number (0-65535), got "${value}"`)
  }
  return port
}
