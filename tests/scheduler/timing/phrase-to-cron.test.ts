import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { suggestCronForPhrase } from '../../../src/scheduler/timing/phrase-to-cron.ts'

describe('suggestCronForPhrase', () => {
  const cases: [string, string, boolean][] = [
    ['daily at 9', '0 9 * * *', true],
    ['every day at 09:30', '30 9 * * *', true],
    ['weekdays at 8am', '0 8 * * MON-FRI', true],
    ['every Monday at 2:15 pm', '15 14 * * MON', true],
    ['at noon every friday', '0 12 * * FRI', true],
    ['mondays and thursdays', '0 9 * * MON,THU', false],
    ['every weekend at midnight', '0 0 * * SAT,SUN', true],
    ['business days', '0 9 * * MON-FRI', false],
  ]
  for (const [phrase, cron, timeGiven] of cases) {
    it(`reads ${JSON.stringify(phrase)} as ${cron}`, () => {
      assert.deepEqual(suggestCronForPhrase(phrase), { cron, timeGiven })
    })
  }

  it('returns null for what is not a day-and-time phrase', () => {
    for (const phrase of ['soon', '15 minutes', 'at 25:00 daily', 'every blue moon']) {
      assert.equal(suggestCronForPhrase(phrase), null, phrase)
    }
  })
})
