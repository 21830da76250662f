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
    ['0 10 * * 0', 'at 10:00 every Sunday'],
    ['0 10 * * 7', 'at 10:00 every Sunday'],
    ['0 9 * * 1,3,5', 'at 09:00 on Monday, Wednesday and Friday'],
    ['0 9 1 * *', 'at 09:00 on day 1 of every month'],
    ['0 9 1,15 * *', 'at 09:00 on days 1 and 15 of every month'],
    ['0 18 L * *', 'at 18:00 on the last day of every month'],
    ['0 9 L 2 *', 'at 09:00 on the last day of February'],
    ['0 9 25 DEC *', 'at 09:00 on 25 December every year'],
    ['0 9 1 1 *', 'at 09:00 on 1 January every year'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['*/15 * * * MON-FRI', 'every 15 minutes on Monday through Friday'],
    ['* * * * *', 'every minute'],
    ['5 * * * *', 'at minute 5 of every hour'],
    ['0 */2 * * *', 'every 2 hours at minute 0 (00:00, 02:00, …)'],
    ['*/30 * * * * *', 'every 30 seconds'],
    ['* * * * * *', 'every second'],
    ['0 0 9 * * MON', 'at 09:00 every Monday'],
    ['30 0 9 * * *', 'at 09:00:30 every day'],
    ['@daily', 'at 00:00 every day'],
    ['@hourly', 'at the start of every hour'],
    ['@weekly', 'at 00:00 every Sunday'],
    ['@monthly', 'at 00:00 on day 1 of every month'],
    ['@yearly', 'at 00:00 on 1 January every year'],
    // Former gaps (issue 14): each of these had no description at all.
    ['0 9 * * 1#1', 'at 09:00 on the first Monday of the month'],
    ['15 9 * * 1#2', 'at 09:15 on the second Monday of the month'],
    ['0 9 * * FRI#3', 'at 09:00 on the third Friday of the month'],
    ['0 9 * * 5L', 'at 09:00 on the last Friday of the month'],
    ['0 9 * * 5L,1', 'at 09:00 every Monday and on the last Friday of the month'],
    ['0 9 1 * MON', 'at 09:00 on day 1 of every month or on any Monday'],
    ['0 9 1-7 * 1', 'at 09:00 on days 1 through 7 of every month or on any Monday'],
    ['0-30/5 9 * * *', 'every 5 minutes from 09:00 to 09:30 every day'],
    ['0 9 * 1-6 *', 'at 09:00 every day in January through June'],
    ['*/15 9-17 * * MON-FRI', 'every 15 minutes between 09:00 and 17:45 on Monday through Friday'],
    ['0 9-17 * * *', 'every hour from 09:00 to 17:00'],
    ['0 8 * * 1-5 *', 'at minute 8 of every hour in January through May'],
    ['0 9 */2 * *', 'at 09:00 on every other day of every month (days 1, 3, …)'],
    ['0 9 1 */3 *', 'at 09:00 on day 1 of January, April, July and October'],
    ['5-10 * * * *', 'every minute from minute 5 to 10'],
    ['15 * * * * *', 'at second 15 of every minute'],
    ['0 0 29 2 *', 'at 00:00 on 29 February in leap years'],
  ]
  for (const [expression, english] of cases) {
    it(`describes ${JSON.stringify(expression)} as ${JSON.stringify(english)}`, () => {
      assert.equal(describeCronExpression(expression), english)
    })
  }

  it('gives up only on what cron-parser cannot read', () => {
    assert.equal(describeCronExpression('0 25 * * *'), null)
    assert.equal(describeCronExpression('not a cron'), null)
  })
})
