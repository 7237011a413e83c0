/**
 * The resource APIs under `{base}/{dc}/api`. Each product lives in its own files (crm*.ts,
 * invoice.ts) and registers its routes through `registerApiRoute`.
 */
import type { Hono } from 'hono'
import type { EmulatorContext } from '../context.js'
import { crmError, registerCrmRoutes } from './crm.js'
import { registerCrmFieldRoutes } from './crm-fields.js'
import { registerCrmRecordRoutes } from './crm-records.js'
import { registerInvoiceRoutes } from './invoice.js'

export function registerApiRoutes(app: Hono, ctx: EmulatorContext): void {
  registerCrmRoutes(app, ctx)
  registerCrmRecordRoutes(app, ctx)
  registerCrmFieldRoutes(app, ctx)
  registerInvoiceRoutes(app, ctx)
  // CRM answers a path it does not know with INVALID_URL_PATTERN, not an HTML 404.
  app.all('/:dc/api/crm/*', (c) =>
    crmError(
      c,
      404,
      'INVALID_URL_PATTERN',
      'Please check if the URL trying to access is a correct one',
    ),
  )
}
