import type { Hono } from 'hono'
import type { EmulatorContext } from '../context.js'

export function registerAuthorizeRoutes(_app: Hono, _ctx: EmulatorContext): void {}
