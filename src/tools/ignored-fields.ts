/**
 * Body fields a tool does not have are dropped by validation; this names them in the response's
 * `warnings` ("ignored field `message`: did you mean `body`?") so an agent learns its mistake
 * instead of believing the value was used.
 */
import type { Context } from 'hono'
import { closestWord } from '../scheduler/text-match.ts'

/** Words agents use for a field, by the field they mean; only fields the tool has are offered. */
const SYNONYMS: Record<string, readonly string[]> = {
  body: ['message', 'text', 'content', 'payload', 'data', 'json', 'request_body'],
  message: ['text', 'body', 'content', 'msg'],
  query: ['question', 'prompt', 'message', 'text'],
  inputs: ['variables', 'params', 'parameters', 'input'],
  app: ['app_name', 'application', 'dify_app'],
  to: ['phone', 'number', 'phone_number', 'recipient', 'whatsapp', 'contact'],
  run_at: ['time', 'when', 'date', 'datetime', 'at', 'run_time', 'scheduled_at', 'schedule_at'],
  delay: ['in', 'after', 'wait', 'countdown'],
  every: ['interval', 'repeat', 'frequency', 'recurrence', 'period', 'repeat_every'],
  cron: ['schedule', 'cron_expression', 'crontab'],
  timezone: ['tz', 'time_zone', 'zone'],
  starts_at: ['start', 'start_at', 'start_date', 'start_time', 'from'],
  ends_at: ['end', 'end_at', 'until', 'end_date', 'end_time', 'stop_at'],
  max_runs: ['count', 'times', 'repeat_count', 'runs', 'occurrences'],
  max_attempts: ['retries', 'attempts', 'max_retries', 'retry'],
  timeout_seconds: ['timeout'],
  tags: ['tag', 'label', 'labels'],
  name: ['title', 'job_name'],
  description: ['note', 'notes', 'details', 'comment'],
  dedupe_key: ['idempotency_key', 'dedupe', 'key', 'dedup_key'],
  url: ['endpoint', 'webhook', 'webhook_url', 'target', 'link', 'uri'],
  method: ['http_method', 'verb'],
  headers: ['header', 'http_headers'],
  content_type: ['mime_type', 'body_type', 'format'],
}

/** 'runAt' → 'run_at', 'Time-Zone' → 'time_zone'. */
function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase()
}

/** The field `name` probably meant, among `known`, or null. */
export function suggestField(name: string, known: readonly string[]): string | null {
  const snake = snakeCase(name)
  if (known.includes(snake)) return snake
  for (const field of known) {
    if (SYNONYMS[field]?.includes(snake)) return field
  }
  return closestWord(snake, known)
}

/** One warning per given field that `known` does not list (null and blank values are skipped). */
export function ignoredFieldWarnings(
  body: Record<string, unknown>,
  known: readonly string[],
): string[] {
  return Object.entries(body)
    .filter(([name, value]) => !known.includes(name) && value !== null && value !== '')
    .map(([name]) => {
      const suggestion = suggestField(name, known)
      return `Ignored field \`${name}\`: this tool has no such field${suggestion ? `; did you mean \`${suggestion}\`?` : '.'} Nothing was taken from it.`
    })
}

/** The request's JSON body as sent (validation already parsed it, Hono keeps the parse). */
export async function ignoredFieldsOf(c: Context, known: readonly string[]): Promise<string[]> {
  const body = (await c.req.json().catch(() => null)) as unknown
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return []
  return ignoredFieldWarnings(body as Record<string, unknown>, known)
}
