/**
 * The resource APIs under `{base}/{dc}/api`. Each product lives in its own file (crm.ts; Invoice
 * and more CRM modules later) and registers its routes through `registerApiRoute`.
 */
import type { Hono } from 'hono'
import type { EmulatorContext } from '../context.js'
import { registerCrmRoutes } from './crm.js'

export function registerApiRoutes(app: Hono, ctx: EmulatorContext): void {
  registerCrmRoutes(app, ctx)
}
