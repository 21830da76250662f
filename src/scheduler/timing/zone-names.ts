// What agents write instead of IANA zone names (abbreviations, cities, offsets) and the zones they mean.
//
// Abbreviations are refused, never guessed: the zone database reads some as unrelated zones
// ("EST" is America/Panama, UTC-5 all year; "IST" Asia/Kolkata; "BST" Asia/Dhaka), and the rest
// are unknown. The hint names the zones the abbreviation usually means.

import { foldText } from '../text-match.ts'

interface Abbreviation {
  /** What people usually mean by it. */
  meaning: string
  /** Likely IANA zones, the most common first. */
  zones: readonly string[]
}

const US_EASTERN = { meaning: 'US Eastern Time', zones: ['America/New_York', 'America/Toronto'] }
const US_CENTRAL = {
  meaning: 'US Central Time (or China Standard Time)',
  zones: ['America/Chicago', 'America/Mexico_City', 'Asia/Shanghai'],
}
const US_MOUNTAIN = {
  meaning: 'US Mountain Time',
  zones: ['America/Denver', 'America/Phoenix (Arizona, no daylight saving)'],
}
const US_PACIFIC = {
  meaning: 'US Pacific Time',
  zones: ['America/Los_Angeles', 'America/Vancouver'],
}
const CENTRAL_EUROPE = {
  meaning: 'Central European Time',
  zones: ['Europe/Berlin', 'Europe/Paris', 'Europe/Madrid', 'Europe/Rome'],
}
const EASTERN_EUROPE = {
  meaning: 'Eastern European Time',
  zones: ['Europe/Athens', 'Europe/Helsinki', 'Europe/Bucharest', 'Africa/Cairo'],
}
const BRAZIL = { meaning: 'Brasília Time', zones: ['America/Sao_Paulo'] }

const ABBREVIATIONS: Record<string, Abbreviation> = {
  EST: US_EASTERN,
  EDT: US_EASTERN,
  ET: US_EASTERN,
  CST: US_CENTRAL,
  CDT: US_CENTRAL,
  CT: US_CENTRAL,
  MST: US_MOUNTAIN,
  MDT: US_MOUNTAIN,
  MT: US_MOUNTAIN,
  PST: US_PACIFIC,
  PDT: US_PACIFIC,
  PT: US_PACIFIC,
  AKST: { meaning: 'Alaska Time', zones: ['America/Anchorage'] },
  AKDT: { meaning: 'Alaska Time', zones: ['America/Anchorage'] },
  HST: { meaning: 'Hawaii Time', zones: ['Pacific/Honolulu'] },
  AST: {
    meaning: 'Atlantic Time (or Arabia Standard Time)',
    zones: ['America/Halifax', 'America/Puerto_Rico', 'Asia/Riyadh'],
  },
  ADT: { meaning: 'Atlantic Time', zones: ['America/Halifax'] },
  NST: { meaning: 'Newfoundland Time', zones: ['America/St_Johns'] },
  NDT: { meaning: 'Newfoundland Time', zones: ['America/St_Johns'] },
  BRT: BRAZIL,
  BRST: BRAZIL,
  BRA: BRAZIL,
  ART: { meaning: 'Argentina Time', zones: ['America/Argentina/Buenos_Aires'] },
  CLT: { meaning: 'Chile Time', zones: ['America/Santiago'] },
  CLST: { meaning: 'Chile Time', zones: ['America/Santiago'] },
  COT: { meaning: 'Colombia Time', zones: ['America/Bogota'] },
  PET: { meaning: 'Peru Time', zones: ['America/Lima'] },
  VET: { meaning: 'Venezuela Time', zones: ['America/Caracas'] },
  UYT: { meaning: 'Uruguay Time', zones: ['America/Montevideo'] },
  PYT: { meaning: 'Paraguay Time', zones: ['America/Asuncion'] },
  BOT: { meaning: 'Bolivia Time', zones: ['America/La_Paz'] },
  ECT: { meaning: 'Ecuador Time', zones: ['America/Guayaquil'] },
  BST: { meaning: 'British Summer Time', zones: ['Europe/London'] },
  IST: {
    meaning: 'India Standard Time (or Irish or Israel Standard Time)',
    zones: ['Asia/Kolkata', 'Europe/Dublin', 'Asia/Jerusalem'],
  },
  WET: { meaning: 'Western European Time', zones: ['Europe/Lisbon'] },
  WEST: { meaning: 'Western European Time', zones: ['Europe/Lisbon'] },
  CET: CENTRAL_EUROPE,
  CEST: CENTRAL_EUROPE,
  MET: CENTRAL_EUROPE,
  MEST: CENTRAL_EUROPE,
  MEZ: CENTRAL_EUROPE,
  MESZ: CENTRAL_EUROPE,
  EET: EASTERN_EUROPE,
  EEST: EASTERN_EUROPE,
  MSK: { meaning: 'Moscow Time', zones: ['Europe/Moscow'] },
  TRT: { meaning: 'Turkey Time', zones: ['Europe/Istanbul'] },
  SAST: { meaning: 'South Africa Time', zones: ['Africa/Johannesburg'] },
  WAT: { meaning: 'West Africa Time', zones: ['Africa/Lagos'] },
  CAT: { meaning: 'Central Africa Time', zones: ['Africa/Maputo'] },
  EAT: { meaning: 'East Africa Time', zones: ['Africa/Nairobi'] },
  GST: { meaning: 'Gulf Standard Time', zones: ['Asia/Dubai'] },
  PKT: { meaning: 'Pakistan Time', zones: ['Asia/Karachi'] },
  NPT: { meaning: 'Nepal Time', zones: ['Asia/Kathmandu'] },
  ICT: { meaning: 'Indochina Time', zones: ['Asia/Bangkok', 'Asia/Ho_Chi_Minh'] },
  WIB: { meaning: 'Western Indonesia Time', zones: ['Asia/Jakarta'] },
  SGT: { meaning: 'Singapore Time', zones: ['Asia/Singapore'] },
  MYT: { meaning: 'Malaysia Time', zones: ['Asia/Kuala_Lumpur'] },
  HKT: { meaning: 'Hong Kong Time', zones: ['Asia/Hong_Kong'] },
  PHT: { meaning: 'Philippine Time', zones: ['Asia/Manila'] },
  JST: { meaning: 'Japan Standard Time', zones: ['Asia/Tokyo'] },
  KST: { meaning: 'Korea Standard Time', zones: ['Asia/Seoul'] },
  AEST: {
    meaning: 'Australian Eastern Time',
    zones: ['Australia/Sydney', 'Australia/Melbourne', 'Australia/Brisbane (no daylight saving)'],
  },
  AEDT: { meaning: 'Australian Eastern Time', zones: ['Australia/Sydney', 'Australia/Melbourne'] },
  ACST: { meaning: 'Australian Central Time', zones: ['Australia/Adelaide', 'Australia/Darwin'] },
  ACDT: { meaning: 'Australian Central Time', zones: ['Australia/Adelaide'] },
  AWST: { meaning: 'Australian Western Time', zones: ['Australia/Perth'] },
  NZST: { meaning: 'New Zealand Time', zones: ['Pacific/Auckland'] },
  NZDT: { meaning: 'New Zealand Time', zones: ['Pacific/Auckland'] },
}

/** POSIX-style US zones of the old System V names ("EST5EDT"). */
const POSIX_STYLE: Record<string, Abbreviation> = {
  EST5EDT: US_EASTERN,
  CST6CDT: US_CENTRAL,
  MST7MDT: US_MOUNTAIN,
  PST8PDT: US_PACIFIC,
}

/** Short all-capital names that are real, unambiguous IANA names (UTC or a country's zone). */
const SHORT_IANA_NAMES = new Set(['UTC', 'GMT', 'UCT', 'NZ', 'GB', 'PRC', 'ROK', 'ROC'])

/**
 * The abbreviation entry when `zone` is a time-zone abbreviation (case-insensitive), or any other
 * 2–5 capital letters that are not one of the few short IANA names; null for everything else.
 */
export function zoneAbbreviation(zone: string): Abbreviation | null {
  const trimmed = zone.trim()
  const upper = trimmed.toUpperCase()
  const known = ABBREVIATIONS[upper] ?? POSIX_STYLE[upper]
  if (known) return known
  if (/^[A-Z]{2,5}$/.test(trimmed) && !SHORT_IANA_NAMES.has(trimmed)) {
    return { meaning: 'an abbreviation', zones: [] }
  }
  return null
}

/** Cities people name that are not the city in their zone's IANA name. */
const CITY_ALIASES: Record<string, string> = {
  brasilia: 'America/Sao_Paulo',
  'rio de janeiro': 'America/Sao_Paulo',
  rio: 'America/Sao_Paulo',
  'belo horizonte': 'America/Sao_Paulo',
  washington: 'America/New_York',
  boston: 'America/New_York',
  miami: 'America/New_York',
  'san francisco': 'America/Los_Angeles',
  seattle: 'America/Los_Angeles',
  houston: 'America/Chicago',
  dallas: 'America/Chicago',
  beijing: 'Asia/Shanghai',
  delhi: 'Asia/Kolkata',
  'new delhi': 'Asia/Kolkata',
  mumbai: 'Asia/Kolkata',
  bangalore: 'Asia/Kolkata',
  munich: 'Europe/Berlin',
  frankfurt: 'Europe/Berlin',
  hamburg: 'Europe/Berlin',
  barcelona: 'Europe/Madrid',
  milan: 'Europe/Rome',
  porto: 'Europe/Lisbon',
  geneva: 'Europe/Zurich',
  'hong kong': 'Asia/Hong_Kong',
}

let cityIndex: Map<string, string> | undefined

/** Folded city part of every IANA zone ('sao paulo' → 'America/Sao_Paulo'), built on first use. */
function zonesByCity(): Map<string, string> {
  if (cityIndex) return cityIndex
  cityIndex = new Map()
  for (const zone of Intl.supportedValuesOf('timeZone')) {
    const city = zone.split('/').at(-1)
    if (city) cityIndex.set(foldText(city.replace(/_/g, ' ')), zone)
  }
  for (const [city, zone] of Object.entries(CITY_ALIASES)) cityIndex.set(city, zone)
  return cityIndex
}

/**
 * The IANA zone a free-text place probably means ('São Paulo', 'sao_paulo', 'Brazil/Sao Paulo',
 * 'New York, USA', 'Brasília'), or null.
 */
export function zoneForPlace(text: string): string | null {
  const index = zonesByCity()
  const candidates = [text, text.split(',')[0] ?? '', text.split('/').at(-1) ?? '']
  for (const candidate of candidates) {
    const key = foldText(candidate.replace(/_/g, ' ')).replace(/\s+/g, ' ').trim()
    const zone = index.get(key)
    if (zone) return zone
  }
  return null
}
