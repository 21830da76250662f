import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { suggestDateTimeForPhrase } from '../../../src/scheduler/timing/phrase-to-date.ts'

/** Monday 7 December 2026, 09:00 in São Paulo. */
const now = new Date('2026-12-07T12:00:00Z')
const zone = 'America/Sao_Paulo'

describe('suggestDateTimeForPhrase', () => {
  const cases: [string, string, boolean][] = [
    ['tomorrow at 9am', '2026-12-08T09:00', true],
    ['Tomorrow 14:30', '2026-12-08T14:30', true],
    ['today at 6 pm', '2026-12-07T18:00', true],
    ['friday', '2026-12-11T09:00', false],
    ['next monday at noon', '2026-12-14T12:00', true],
    ['monday at 10', '2026-12-14T10:00', true],
    ['the day after tomorrow', '2026-12-09T09:00', false],
  ]
  for (const [phrase, local, timeGiven] of cases) {
    it(`reads ${JSON.stringify(phrase)} as ${local}`, () => {
      const suggestion = suggestDateTimeForPhrase(phrase, now, zone)
      assert.equal(suggestion?.local, local)
      assert.equal(suggestion?.timeGiven, timeGiven)
    })
  }

  it('returns null for what is not such a phrase', () => {
    for (const phrase of ['soon', 'in 2 hours', 'someday at 9', '2026-12-08']) {
      assert.equal(suggestDateTimeForPhrase(phrase, now, zone), null, phrase)
    }
  })
})
