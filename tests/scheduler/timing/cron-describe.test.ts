import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { describeCronExpression } from '../../../src/scheduler/timing/cron-describe.ts'

describe('describeCronExpression', () => {
  const cases: [string, string][] = [
    ['0 9 * * MON-FRI', 'at 09:00 on Monday through Friday'],
    ['0 9 * * 1-5', 'at 09:00 on Monday through Friday'],
    ['30 8 * * *', 'at 08:30 every day'],
    ['0 9,17 * * *', 'at 09:00 and 17:00 every day'],
    ['0 9,12,17 * * *', 'at 09:00, 12:00 and 17:00 every day'],
    ['0 10 * * SAT,SUN', 'at 10:00 on Saturday and Sunday'],
    ['0 10 * * 0', 'at 10:00 on Sunday'],
    ['0 10 * * 7', 'at 10:00 on Sunday'],
    ['0 9 1 * *', 'at 09:00 on day 1 of every month'],
    ['0 18 L * *', 'at 18:00 on the last day of every month'],
    ['0 9 25 DEC *', 'at 09:00 on 25 December'],
    ['0 9 1 1 *', 'at 09:00 on 1 January'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['*/15 * * * MON-FRI', 'every 15 minutes on Monday through Friday'],
    ['* * * * *', 'every minute'],
    ['5 * * * *', 'at minute 5 of every hour'],
    ['0 */2 * * *', 'every 2 hours at minute 0'],
    ['*/30 * * * * *', 'every 30 seconds'],
    ['* * * * * *', 'every second'],
    ['0 0 9 * * MON', 'at 09:00 on Monday'],
    ['@daily', 'at 00:00 every day'],
    ['@hourly', 'at the start of every hour'],
    ['@weekly', 'at 00:00 on Sunday'],
    ['@monthly', 'at 00:00 on day 1 of every month'],
    ['@yearly', 'at 00:00 on 1 January'],
  ]
  for (const [expression, english] of cases) {
    it(`describes ${JSON.stringify(expression)} as ${JSON.stringify(english)}`, () => {
      assert.equal(describeCronExpression(expression), english)
    })
  }

  const unsupported = [
    '0 9 1 * MON',
    '0-30/5 9 * * *',
    '0 9 * 1-6 *',
    '15 9 * * 1#2',
    '30 0 9 * * *',
  ]
  for (const expression of unsupported) {
    it(`gives up on ${JSON.stringify(expression)}`, () => {
      assert.equal(describeCronExpression(expression), null)
    })
  }
})
