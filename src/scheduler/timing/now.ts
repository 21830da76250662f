// Describes the current instant in a zone, for the getCurrentTime tool and error messages.

import { formatOffset, localIso, wallFields } from './zone.ts'
import { requireTimezone } from './zone-problem.ts'

export interface NowDescription {
  /** UTC ISO, e.g. 2026-11-27T13:05:00.000Z. */
  now: string
  /** Canonical zone name. */
  timezone: string
  /** ISO 8601 with offset; milliseconds only when non-zero: 2026-11-27T14:05:00+01:00. */
  local: string
  /** '+01:00' */
  utc_offset: string
  /** 'Friday' */
  weekday: string
  /** 'Friday, 27 November 2026, 14:05 (Europe/Berlin, UTC+01:00)' */
  human: string
}

/** Throws a 422 on field `timezone` for an unknown zone. */
export function describeNow(now: Date, timezone: string): NowDescription {
  const zone = requireTimezone(timezone, 'timezone', now)
  const offset = formatOffset(now, zone)
  const dt = wallFields(now, zone)
  return {
    now: now.toISOString(),
    timezone: zone,
    local: localIso(now, zone),
    utc_offset: offset,
    weekday: dt.toFormat('cccc'),
    human: `${dt.toFormat('cccc, d LLLL yyyy, HH:mm')} (${zone}, UTC${offset})`,
  }
}
