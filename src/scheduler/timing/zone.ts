// Validates and canonicalises IANA time zone names and renders instants as local times.

import { DateTime, IANAZone } from 'luxon'
import type { RunTime } from './types.ts'
import { zoneAbbreviation } from './zone-names.ts'

/** Offset-style ids ("+03:00", "UTC+3", "GMT-5") are not IANA names, even where Intl takes them. */
const OFFSET_LIKE = /^(?:utc|gmt)?\s*[+-]\s*\d/i

/**
 * The canonical spelling of an IANA zone, or null when unknown or an abbreviation ("EST", "CET":
 * see zone-names.ts). Validity comes from luxon
 * (IANAZone.isValidZone); the canonical name from Intl's resolvedOptions, which luxon relies on:
 * 'america/new_york' → 'America/New_York', 'Etc/UTC' and 'GMT' → 'UTC', 'US/Eastern' →
 * 'America/New_York'. Some historical ids (e.g. Asia/Calcutta) are kept as given by the runtime.
 */
export function normaliseTimezone(zone: string): string | null {
  const cached = canonicalZones.get(zone)
  if (cached !== undefined) return cached
  const canonical = canonicalise(zone)
  // The zone database does not change while the process runs; bounded so junk input cannot grow it.
  if (canonicalZones.size < MAX_CACHED_ZONES) canonicalZones.set(zone, canonical)
  return canonical
}

const MAX_CACHED_ZONES = 2_000
const canonicalZones = new Map<string, string | null>()

function canonicalise(zone: string): string | null {
  const trimmed = zone.trim()
  if (trimmed === '' || OFFSET_LIKE.test(trimmed) || !IANAZone.isValidZone(trimmed)) return null
  if (zoneAbbreviation(trimmed)) return null
  try {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions()
      .timeZone
    return IANAZone.isValidZone(canonical) ? canonical : trimmed
  } catch {
    return null
  }
}

export function isValidTimezone(zone: string): boolean {
  return normaliseTimezone(zone) !== null
}

function inZone(date: Date, timezone: string): DateTime {
  return DateTime.fromMillis(date.getTime(), { zone: timezone, locale: 'en-US' })
}

/** ISO 8601 with the zone's offset; milliseconds only when non-zero: 2026-12-01T09:00:00-03:00. */
export function localIso(date: Date, timezone: string): string {
  const dt = inZone(date, timezone)
  return dt.toFormat(
    dt.millisecond === 0 ? "yyyy-MM-dd'T'HH:mm:ssZZ" : "yyyy-MM-dd'T'HH:mm:ss.SSSZZ",
  )
}

export function toRunTime(date: Date, timezone: string): RunTime {
  return { utc: date.toISOString(), local: localIso(date, timezone) }
}

/** UTC offset of `timezone` at `date`, e.g. '+01:00', '-03:00', '+00:00'. */
export function formatOffset(date: Date, timezone: string): string {
  return inZone(date, timezone).toFormat('ZZ')
}

/** UTC offset in minutes of `timezone` at `date` (luxon's zone offset table). */
export function offsetMinutes(date: Date | number, timezone: string): number {
  return IANAZone.create(timezone).offset(typeof date === 'number' ? date : date.getTime())
}

/** 'Tue 1 Dec 2026 at 09:00' (seconds shown only when non-zero: '09:00:30'). */
export function formatHumanLocal(date: Date, timezone: string): string {
  const dt = inZone(date, timezone)
  return dt.toFormat(dt.second === 0 ? "ccc d LLL yyyy 'at' HH:mm" : "ccc d LLL yyyy 'at' HH:mm:ss")
}

/** 'Sun 14 Mar 2027' in the zone. */
export function formatHumanDate(date: Date, timezone: string): string {
  return inZone(date, timezone).toFormat('ccc d LLL yyyy')
}

/** Wall clock 'HH:mm' (or 'HH:mm:ss' when seconds are set) in the zone. */
export function formatClock(date: Date, timezone: string): string {
  const dt = inZone(date, timezone)
  return dt.toFormat(dt.second === 0 ? 'HH:mm' : 'HH:mm:ss')
}

/** Calendar fields in the zone, for callers that need the wall time of an instant. */
export function wallFields(date: Date, timezone: string): DateTime {
  return inZone(date, timezone)
}
