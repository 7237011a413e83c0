/**
 * Serves the emulator on a real socket.
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createEmulator, type Emulator, type EmulatorOptions } from './app.js'

export interface RunningEmulator {
  /** Base URL, no trailing slash (`http://127.0.0.1:3002`). */
  url: string
  emulator: Emulator
  close(): Promise<void>
}

/** Starts the emulator on `port` (0 = any free port) and `host` (default 127.0.0.1). */
export async function startEmulator(
  options: EmulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningEmulator> {
  const { port = 0, host = '127.0.0.1', ...emulatorOptions } = options
  const emulator = createEmulator(emulatorOptions)
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: emulator.app.fetch, port, hostname: host }, () => resolve(s))
    s.once('error', reject)
  })
  const address = server.address() as AddressInfo
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${address.port}`,
    emulator,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        if ('closeAllConnections' in server) server.closeAllConnections()
      }),
  }
}
