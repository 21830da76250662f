/**
 * Realistic scheduleWebhook bodies for the create load: a mix of once (run_at, delay), every and
 * cron, several time zones, tags, headers and JSON bodies, to a 127.0.0.1 URL that never fires
 * during a measurement (every first run is hours or weeks away). About 3 % carry a dedupe_key that
 * an earlier request already used with the same content (an agent retrying), answered 200.
 */

const ZONES = ['UTC', 'America/Sao_Paulo', 'Europe/Berlin', 'Asia/Tokyo', 'America/New_York']
// The HTTP (Dify) form takes tags as comma-separated text and headers as JSON text.
const TAGS = ['billing', 'reports,daily', 'crm,followup', '', 'ops']
/**
 * Weekday, weekly and monthly times in five zones (a handful of instants a day, so a run rarely
 * sees one fire; when it does, the call to port 9 fails fast and is retried later).
 */
const CRONS = ['0 9 * * MON-FRI', '17 3 * * 1', '45 6 * * *', '0 3 1 * *']
const EVERY = ['daily', 'every 6 hours', '12h', 'every 2 days']
const DELAYS = ['in 3 days', '5d', 'in 2 weeks']

export interface BodyMaker {
  /** The next request body as JSON text. */
  next(): string
}

/** `seed` keeps names distinct across client processes (identical bodies would be replays). */
export function createBodyMaker(
  seed: string,
  webhookUrl: string,
  duplicateShare = 0.03,
): BodyMaker {
  let n = 0
  const deduped: string[] = []
  return {
    next() {
      n++
      if (deduped.length > 10 && (n * 7919) % 1000 < duplicateShare * 1000) {
        return deduped[(n * 31) % deduped.length] as string
      }
      const kind = n % 4
      // Which variant of that kind: n % 4 is fixed within a kind, so count its rounds.
      const round = Math.floor(n / 4)
      const zone = ZONES[n % ZONES.length] as string
      const body: Record<string, unknown> = {
        name: `Load ${seed} #${n}: remind customer about invoice`,
        url: `${webhookUrl}/hooks/${n % 50}`,
        timezone: zone,
      }
      const tags = TAGS[n % TAGS.length] as string
      if (tags) body.tags = tags
      if (kind === 0) {
        const at = new Date(Date.now() + (10 + (n % 20)) * 86_400_000)
        body.run_at = at.toISOString().slice(0, 16)
      } else if (kind === 1) body.delay = DELAYS[round % DELAYS.length]
      else if (kind === 2) body.every = EVERY[round % EVERY.length]
      else body.cron = CRONS[round % CRONS.length]
      if (n % 3 === 0) {
        body.body = JSON.stringify({ customer_id: n, template: 'invoice_reminder', amount: 129.9 })
        body.headers = JSON.stringify({ 'X-Source': 'agent' })
      }
      if (n % 5 === 0) body.description = 'Created by the load test; first run is far away.'
      if (n % 10 === 0) body.max_attempts = 5
      const text = JSON.stringify(
        n % 20 === 0 ? { ...body, dedupe_key: `load-${seed}-${n}` } : body,
      )
      if (n % 20 === 0 && deduped.length < 1000) deduped.push(text)
      return text
    },
  }
}
