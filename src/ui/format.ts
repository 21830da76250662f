/** How the dashboard writes times, durations, schedules and targets for people (pure functions). */

import { everyPhrase } from '../scheduler/timing/humanize.ts'
import { describeCronExpression } from '../scheduler/timing/index.ts'

const formatters = new Map<string, Intl.DateTimeFormat>()

/**
 * Intl refuses `dateStyle`/`timeStyle` together with `timeZoneName`, so the parts are spelled out;
 * one formatter per zone and year style is kept (building one is the slow part).
 */
function formatter(timezone: string, withYear: boolean): Intl.DateTimeFormat {
  const key = `${timezone}|${withYear}`
  let found = formatters.get(key)
  if (!found) {
    found = new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      ...(withYear ? { year: 'numeric' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: timezone,
      timeZoneName: 'short',
    })
    formatters.set(key, found)
  }
  return found
}

/** e.g. "Mon 30 Nov, 09:00 CET"; the year is added when it is not the current one. */
export function formatLocal(date: Date, timezone: string, now: Date): string {
  const withYear = date.getUTCFullYear() !== now.getUTCFullYear()
  return formatter(timezone, withYear).format(date)
}

/** e.g. "2026-11-30 08:00:00 UTC" (the tooltip of every shown time). */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** "12 ms", "1.5 s", "3 min 4 s", "2 h 5 min". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  const abs = Math.abs(ms)
  const sign = ms < 0 ? '−' : ''
  if (abs < 1_000) return `${sign}${Math.round(abs)} ms`
  if (abs < 60_000) return `${sign}${(abs / 1_000).toFixed(abs < 10_000 ? 1 : 0)} s`
  if (abs < 3_600_000) {
    const minutes = Math.floor(abs / 60_000)
    const seconds = Math.round((abs % 60_000) / 1_000)
    return `${sign}${minutes} min${seconds ? ` ${seconds} s` : ''}`
  }
  const hours = Math.floor(abs / 3_600_000)
  const minutes = Math.round((abs % 3_600_000) / 60_000)
  return `${sign}${hours} h${minutes ? ` ${minutes} min` : ''}`
}

/** The schedule part of a job view, as the list shows it: "once", "every 15 minutes", a cron in words. */
export interface ScheduleLike {
  type: string
  every_seconds?: number
  cron?: string
}

export function scheduleInWords(schedule: ScheduleLike): string {
  switch (schedule.type) {
    case 'once':
      return 'once'
    case 'interval':
      return `every ${everyPhrase((schedule.every_seconds ?? 0) * 1000)}`
    case 'cron': {
      const words = schedule.cron ? describeCronExpression(schedule.cron) : null
      return words ? `${words} (cron ${schedule.cron})` : `cron ${schedule.cron ?? ''}`
    }
    default:
      return schedule.type
  }
}

/** A URL's query string can carry tokens: lists show `?…` in its place. */
export function withoutQuery(text: string): string {
  return text.replace(/(https?:\/\/[^\s?#]+)[?#]\S*/g, '$1?…')
}

/** The ClickUp page of a task. */
export function clickUpTaskUrl(taskId: string): string {
  return `https://app.clickup.com/t/${encodeURIComponent(taskId)}`
}

/** Header names of a JSON-object text (rule headers); values are never shown. */
export function headerNames(value: unknown): string[] {
  if (typeof value !== 'string' || value.trim() === '') return []
  try {
    const parsed = JSON.parse(value) as unknown
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.keys(parsed) : []
  } catch {
    return []
  }
}

/** The first `max` characters of a text, with an ellipsis when cut. */
export function excerpt(text: string | null | undefined, max: number): string {
  if (!text) return ''
  return text.length > max ? `${text.slice(0, max)}…` : text
}
