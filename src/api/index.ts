/**
 * The API client and the recipes built on it. Exported from `zoho-auth`.
 */
export { ZohoApiClient } from './client.js'
export type { ApiCallOptions, ApiResponse, TokenSource, ZohoApiClientOptions } from './client.js'
export { connectZoho } from './connect.js'
export type { ConnectZohoOptions, ZohoConnection } from './connect.js'
export * from './errors.js'
export { buildApiRequest, describeCall, IDEMPOTENT_METHODS } from './request.js'
export type { ApiRequestInput, BuiltApiRequest, HttpMethod } from './request.js'
export { classifyApiAnswer, productOf, readApiAnswer, zohoErrorOf } from './response.js'
export type { ApiAnswer, ApiVerdict, ZohoErrorBody } from './response.js'
export { zohoApiError } from './remedies.js'
export type { ApiErrorContext } from './remedies.js'
export { parseApiPath, resolveApiURL } from './path.js'
export type { ApiPath, ApiQuery } from './path.js'
export { DEFAULT_REPLAY_BUFFER_BYTES } from './body.js'
export type { ApiBodyInit } from './body.js'
export { rateLimitLimit, rateLimitResetAt } from './rate-limit.js'
export type { HeaderLookup } from './rate-limit.js'
export { NOT_SENT, recordResults } from './records.js'
export type { RecordResult } from './records.js'
export { crmOrg, currentUser } from './crm.js'
export type { CrmOrg, CrmUser } from './crm.js'
export { createLeads, leadFromConsultation, MAX_RECORDS_PER_CALL } from './crm-leads.js'
export type { ConsultationForm, CreateLeadsResult, LeadRecord } from './crm-leads.js'
export { auditFields, ensureField, listFields } from './crm-fields.js'
export type {
  CrmField,
  CustomFieldSpec,
  CustomFieldType,
  EnsureFieldResult,
  FieldAudit,
} from './crm-fields.js'
export {
  createInvoice,
  findOrCreateContact,
  INVOICE_ORGANIZATION_HEADER,
  listInvoiceOrganizations,
} from './invoice.js'
export type {
  CreateInvoiceInput,
  Invoice,
  InvoiceContact,
  InvoiceCustomer,
  InvoiceLineItem,
  InvoiceOrganization,
} from './invoice.js'
