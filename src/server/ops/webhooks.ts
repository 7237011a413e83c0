/**
 * Connection events to `ZOHO_AUTH_WEBHOOK_URL`, signed as Standard Webhooks do. Placeholder
 * until the ops work lands.
 */
export interface WebhookSender {
  /** Queues an event; delivery (with retries) happens in the background. */
  send(type: string, data: Record<string, unknown>): void
  /** Stops retrying and waits for deliveries in flight. */
  close(): Promise<void>
}
