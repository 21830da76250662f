// Refuses time zones agents get wrong (abbreviations, places, offsets, typos) with a hint naming the right one.

import { IANAZone } from 'luxon'
import { fieldProblem, type ProblemError } from '../../problem-error.ts'
import { closestWord } from '../text-match.ts'
import { formatOffset, normaliseTimezone, offsetMinutes } from './zone.ts'
import { zoneAbbreviation, zoneForPlace } from './zone-names.ts'

export const TIMEZONE_HINT =
  'Use an IANA time zone name such as America/Sao_Paulo or Europe/Berlin; if you do not know where the user is, ask them for their city'

/**
 * The canonical zone for `field`, or a 422 telling the agent how to name a zone. `at` (now) lets
 * the hint for an offset such as "UTC-3" name zones at that offset today.
 */
export function requireTimezone(zone: string, field = 'timezone', at?: Date): string {
  const canonical = normaliseTimezone(zone)
  if (canonical === null) throw timezoneProblem(zone, field, at)
  return canonical
}

/** Well-known zones offered when an agent sends a bare offset. */
const ZONES_BY_OFFSET_CANDIDATES = [
  'America/Los_Angeles',
  'America/Denver',
  'America/Chicago',
  'America/New_York',
  'America/Halifax',
  'America/Sao_Paulo',
  'America/Argentina/Buenos_Aires',
  'America/Bogota',
  'America/Mexico_City',
  'Europe/London',
  'Europe/Lisbon',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/Athens',
  'Africa/Johannesburg',
  'Europe/Moscow',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Bangkok',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
]

const OFFSET = /^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$/i

/** Why `zone` is not accepted, worded for an agent: abbreviation, place, offset, typo or unknown. */
function timezoneProblem(zone: string, field: string, at?: Date): ProblemError {
  const quoted = JSON.stringify(zone)
  const abbreviation = zoneAbbreviation(zone)
  if (abbreviation) {
    const [first, ...others] = abbreviation.zones
    const literal = literalReading(zone.trim(), at)
    return fieldProblem(
      field,
      `${quoted} is a time zone abbreviation, not an IANA zone name${literal}`,
      first
        ? `For ${abbreviation.meaning} send timezone "${first.split(' ')[0]}"${others.length ? `; other candidates: ${others.join(', ')}` : ''}. If you are not sure where the user is, ask them for their city.`
        : `Send the IANA name of the user's place, e.g. "America/Sao_Paulo" or "Europe/Berlin"; if you are not sure where the user is, ask them for their city.`,
    )
  }
  const offset = OFFSET.exec(zone.trim())
  if (offset) return offsetProblem(zone, field, offset, at)
  const place = zoneForPlace(zone)
  if (place) {
    return fieldProblem(
      field,
      `${quoted} is a place, not an IANA zone name`,
      `Send timezone "${place}".`,
    )
  }
  const near = closestWord(zone.trim(), Intl.supportedValuesOf('timeZone'))
  return fieldProblem(
    field,
    `Unknown time zone ${quoted}`,
    near ? `Did you mean "${near}"? ${TIMEZONE_HINT}.` : `${TIMEZONE_HINT}.`,
  )
}

/** '; read literally it would be America/Panama, at UTC-05:00 all year (no daylight saving)'. */
function literalReading(zone: string, at?: Date): string {
  if (!IANAZone.isValidZone(zone)) return ''
  let literal: string
  try {
    literal = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone
  } catch {
    return ''
  }
  const year = (at ?? new Date(0)).getUTCFullYear()
  const january = offsetMinutes(Date.UTC(year, 0, 1), literal)
  const july = offsetMinutes(Date.UTC(year, 6, 1), literal)
  const behaviour =
    january === july
      ? `at UTC${formatOffset(new Date(Date.UTC(year, 0, 1)), literal)} all year (no daylight saving)`
      : 'with its own daylight-saving rules'
  return `; read literally it would be ${literal}, ${behaviour}, which may not be what the user meant`
}

function offsetProblem(zone: string, field: string, match: RegExpExecArray, at?: Date) {
  const [, sign = '+', hours = '0', minutes = '00'] = match
  const totalMinutes = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes))
  const matching = at
    ? ZONES_BY_OFFSET_CANDIDATES.filter((z) => offsetMinutes(at, z) === totalMinutes).slice(0, 3)
    : []
  const label = `UTC${sign}${hours.padStart(2, '0')}:${minutes}`
  const fixed =
    minutes === '00' && Number(hours) <= 14
      ? ` For a fixed offset all year send "Etc/GMT${sign === '-' ? '+' : '-'}${Number(hours)}" (Etc names invert the sign).`
      : ''
  return fieldProblem(
    field,
    `${JSON.stringify(zone)} is a UTC offset, not a time zone; an offset does not follow daylight saving`,
    `Send the IANA zone of the user's place${matching.length ? `, e.g. ${matching.join(' or ')} (at ${label} now)` : ', e.g. America/Sao_Paulo'}; ask the user for their city if unsure.${fixed}`,
  )
}
