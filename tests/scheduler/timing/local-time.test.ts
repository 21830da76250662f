import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  parseDateTimeText,
  parseWhen,
  resolveWallTime,
  type WallTime,
} from '../../../src/scheduler/timing/local-time.ts'
import { catchFieldError } from './problem.ts'

function wall(text: string): WallTime {
  const parsed = parseDateTimeText(text)
  assert.ok(parsed && parsed.kind === 'local', `${text} parses as a local wall time`)
  return parsed.wall
}

function absolute(text: string): string {
  const parsed = parseDateTimeText(text)
  assert.ok(parsed && parsed.kind === 'absolute', `${text} parses as an absolute time`)
  return parsed.date.toISOString()
}

describe('parseDateTimeText', () => {
  it('reads Z as UTC', () => {
    assert.equal(absolute('2026-12-01T12:00:00Z'), '2026-12-01T12:00:00.000Z')
  })

  it('reads offsets with colon, without colon and hours only', () => {
    assert.equal(absolute('2026-12-01T09:00:00-03:00'), '2026-12-01T12:00:00.000Z')
    assert.equal(absolute('2026-12-01T09:00:00-0300'), '2026-12-01T12:00:00.000Z')
    assert.equal(absolute('2026-12-01T09:00-03'), '2026-12-01T12:00:00.000Z')
    assert.equal(absolute('2026-12-01T14:30+05:30'), '2026-12-01T09:00:00.000Z')
  })

  it('keeps milliseconds of fractional seconds', () => {
    assert.equal(absolute('2026-12-01T12:00:00.25Z'), '2026-12-01T12:00:00.250Z')
    assert.equal(absolute('2026-12-01T12:00:00.123456Z'), '2026-12-01T12:00:00.123Z')
  })

  it('reads a time without offset as a wall time, with optional seconds', () => {
    assert.deepEqual(wall('2026-12-01T09:00'), {
      year: 2026,
      month: 12,
      day: 1,
      hour: 9,
      minute: 0,
      second: 0,
      millisecond: 0,
    })
    assert.equal(wall('2026-12-01T09:00:30').second, 30)
  })

  it('accepts a space instead of T and a lowercase t and z', () => {
    assert.equal(wall('2026-12-01 09:00').hour, 9)
    assert.equal(absolute('2026-12-01t12:00z'), '2026-12-01T12:00:00.000Z')
    assert.equal(absolute('2026-12-01 09:00 -03:00'), '2026-12-01T12:00:00.000Z')
  })

  it('reports a date without a time separately', () => {
    assert.deepEqual(parseDateTimeText('2026-12-01'), { kind: 'date-only' })
  })

  it('rejects impossible and malformed dates', () => {
    for (const text of [
      '2026-02-30T09:00',
      '2026-13-01T09:00',
      '2026-12-01T24:00',
      '2026-12-01T09:60',
      '2026-12-01T09:00:60',
      '2026-12-01T09:00+19:00',
      '01/12/2026 09:00',
      'tomorrow at 9',
      '2026-12-1T09:00',
      '1969-12-31T23:00Z',
    ]) {
      assert.equal(parseDateTimeText(text), null, text)
    }
  })

  it('accepts 29 February in a leap year only', () => {
    assert.equal(wall('2028-02-29T09:00').day, 29)
    assert.equal(parseDateTimeText('2027-02-29T09:00'), null)
  })
})

describe('resolveWallTime', () => {
  it('resolves an ordinary wall time with the zone offset', () => {
    const resolved = resolveWallTime(wall('2026-12-01T09:00'), 'America/Sao_Paulo')
    assert.equal(resolved.date.toISOString(), '2026-12-01T12:00:00.000Z')
    assert.equal(resolved.adjustment, 'none')
  })

  it('sees no DST in Sao Paulo since 2019', () => {
    const resolved = resolveWallTime(wall('2027-11-07T00:30'), 'America/Sao_Paulo')
    assert.equal(resolved.adjustment, 'none')
    assert.equal(resolved.date.toISOString(), '2027-11-07T03:30:00.000Z')
  })

  it('shifts a New York spring-forward gap time forward by the gap', () => {
    const resolved = resolveWallTime(wall('2027-03-14T02:30'), 'America/New_York')
    assert.equal(resolved.adjustment, 'gap')
    assert.equal(resolved.shiftMs, 3_600_000)
    assert.equal(resolved.date.toISOString(), '2027-03-14T07:30:00.000Z')
  })

  it('takes the earlier instant of a New York fall-back overlap', () => {
    const resolved = resolveWallTime(wall('2027-11-07T01:30'), 'America/New_York')
    assert.equal(resolved.adjustment, 'overlap')
    assert.equal(resolved.date.toISOString(), '2027-11-07T05:30:00.000Z')
  })

  it('shifts a Berlin spring-forward gap time forward by the gap', () => {
    const resolved = resolveWallTime(wall('2027-03-28T02:30'), 'Europe/Berlin')
    assert.equal(resolved.adjustment, 'gap')
    assert.equal(resolved.date.toISOString(), '2027-03-28T01:30:00.000Z')
  })

  it('takes the earlier instant of a Berlin fall-back overlap', () => {
    const resolved = resolveWallTime(wall('2027-10-31T02:30'), 'Europe/Berlin')
    assert.equal(resolved.adjustment, 'overlap')
    assert.equal(resolved.date.toISOString(), '2027-10-31T00:30:00.000Z')
  })

  it('treats the instants just outside the transitions as ordinary', () => {
    assert.equal(resolveWallTime(wall('2027-03-14T03:00'), 'America/New_York').adjustment, 'none')
    assert.equal(resolveWallTime(wall('2027-03-14T01:59'), 'America/New_York').adjustment, 'none')
    assert.equal(resolveWallTime(wall('2027-11-07T02:00'), 'America/New_York').adjustment, 'none')
  })
})

describe('parseWhen', () => {
  const now = new Date('2026-12-07T12:00:00Z')
  const at = (timezone: string, timezoneGiven = false) => ({ now, timezone, timezoneGiven })

  it('returns an absolute instant untouched and without warning', () => {
    const result = parseWhen('run_at', '2027-03-14T02:30:00-05:00', at('America/New_York'))
    assert.equal(result.date.toISOString(), '2027-03-14T07:30:00.000Z')
    assert.equal(result.warning, null)
  })

  it('reads a wall time in the given zone', () => {
    const result = parseWhen('run_at', '2026-12-01 09:00', at('Europe/Berlin'))
    assert.equal(result.date.toISOString(), '2026-12-01T08:00:00.000Z')
    assert.equal(result.warning, null)
  })

  it('warns about a gap naming the original time and the chosen one', () => {
    const { warning } = parseWhen('starts_at', '2027-03-14T02:30', at('America/New_York'))
    assert.ok(warning)
    assert.match(warning, /^starts_at 2027-03-14 02:30 does not exist in America\/New_York/)
    assert.match(warning, /forward 1 hour/)
    assert.match(warning, /2027-03-14T03:30:00-04:00/)
  })

  it('warns about an overlap naming the original time and the earlier choice', () => {
    const { warning } = parseWhen('ends_at', '2027-10-31T02:30', at('Europe/Berlin'))
    assert.ok(warning)
    assert.match(warning, /^ends_at 2027-10-31 02:30 happens twice in Europe\/Berlin/)
    assert.match(warning, /earlier one, 2027-10-31T02:30:00\+02:00/)
  })

  it('throws a 422 with ISO examples computed from now for unparsable text', () => {
    const error = catchFieldError(() => parseWhen('run_at', 'after lunch', at('America/Sao_Paulo')))
    assert.equal(error.field, 'run_at')
    assert.match(error.message, /after lunch/)
    assert.match(error.hint, /"2026-12-08T09:00" for 09:00 tomorrow in America\/Sao_Paulo/)
    assert.match(error.hint, /"2026-12-08T09:00:00-03:00"/)
  })

  it('throws a 422 asking for a time when only a date is given, and to ask the user', () => {
    const error = catchFieldError(() => parseWhen('starts_at', '2026-12-01', at('UTC')))
    assert.equal(error.field, 'starts_at')
    assert.match(error.message, /no time/)
    assert.match(error.hint, /"2026-12-01T09:00"/)
    assert.match(error.hint, /ask them rather than guessing/)
  })

  it('answers a date in words with the run_at it means', () => {
    const error = catchFieldError(() =>
      parseWhen('run_at', 'tomorrow at 9am', at('America/Sao_Paulo')),
    )
    assert.match(error.message, /date in words/)
    assert.match(
      error.hint,
      /If the user meant Tuesday 8 December at 09:00 in America\/Sao_Paulo, send run_at "2026-12-08T09:00"\.$/,
    )
  })

  it('names the date-time a bare time of day means: today if still ahead, else tomorrow', () => {
    const later = catchFieldError(() => parseWhen('run_at', '17:30', at('America/Sao_Paulo')))
    assert.match(later.message, /time of day but no date/)
    assert.match(later.hint, /"2026-12-07T17:30" for today at 17:30 in America\/Sao_Paulo/)
    const earlier = catchFieldError(() => parseWhen('run_at', '08:00', at('America/Sao_Paulo')))
    assert.match(earlier.hint, /"2026-12-08T08:00" for tomorrow at 08:00/)
  })

  it('warns when an offset overrides an explicit, different timezone, naming the local time', () => {
    const { date, warning } = parseWhen(
      'run_at',
      '2026-12-08T10:00:00Z',
      at('America/Sao_Paulo', true),
    )
    assert.equal(date.toISOString(), '2026-12-08T10:00:00.000Z')
    assert.ok(warning)
    assert.match(
      warning,
      /carries its own offset \(UTC\), which wins over timezone America\/Sao_Paulo/,
    )
    assert.match(warning, /runs at 07:00 on Tue 8 Dec 2026 in America\/Sao_Paulo/)
    assert.match(warning, /send run_at "2026-12-08T10:00:00" without the offset/)
  })

  it('does not warn when the offset agrees with the timezone, or no timezone was sent', () => {
    assert.equal(
      parseWhen('run_at', '2026-12-08T10:00:00-03:00', at('America/Sao_Paulo', true)).warning,
      null,
    )
    assert.equal(parseWhen('run_at', '2026-12-08T10:00:00Z', at('America/Sao_Paulo')).warning, null)
  })
})
