/**
 * Demo data so a person can use the emulator at once: a server client, a Self Client, a device
 * client and two users in different DCs.
 */
import type { EmulatorContext } from './context.js'
import { createClient, createUser } from './registry.js'
import type { Client, User } from './state.js'

export const DEMO_REDIRECT_URI = 'http://localhost:3001/oauth/callback'

export interface DemoData {
  serverClient: Client
  selfClient: Client
  deviceClient: Client
  users: User[]
}

export function seedDemo(ctx: EmulatorContext): DemoData {
  return {
    serverClient: createClient(ctx, {
      type: 'server',
      redirect_uris: [DEMO_REDIRECT_URI],
      dcs: ['us', 'eu', 'in', 'au', 'jp', 'ca', 'sa', 'uk', 'cn'],
    }),
    selfClient: createClient(ctx, { type: 'self', dcs: ['us'] }),
    deviceClient: createClient(ctx, { type: 'device', dcs: ['us', 'eu'] }),
    users: [
      createUser(ctx, { email: 'ada@example.com', dc: 'us' }),
      createUser(ctx, { email: 'emil@example.eu', dc: 'eu' }),
    ],
  }
}
