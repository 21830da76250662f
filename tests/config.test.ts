import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig, parseApiKeys } from '../src/config.ts'

const KEY = 'k'.repeat(20)

describe('loadConfig', () => {
  it('applies every default when the environment is empty', () => {
    const config = loadConfig({})
    assert.equal(config.port, 8000)
    assert.equal(config.publicUrl, 'http://localhost:8000')
    assert.equal(config.databaseUrl, null)
    assert.equal(config.defaultTimezone, 'UTC')
    assert.equal(config.logLevel, 'info')
    assert.equal(config.bodyLimitBytes, 1024 * 1024)
    assert.equal(config.metricsRequireAuth, false)
    assert.deepEqual(config.apiKeys, [])
    assert.equal(config.scheduler.maxScheduleAheadDays, 3650)
  })

  it('reads MAX_SCHEDULE_AHEAD_DAYS and bounds it', () => {
    assert.equal(loadConfig({ MAX_SCHEDULE_AHEAD_DAYS: '366' }).scheduler.maxScheduleAheadDays, 366)
    assert.throws(
      () => loadConfig({ MAX_SCHEDULE_AHEAD_DAYS: '0' }),
      /MAX_SCHEDULE_AHEAD_DAYS: must be at least 1/,
    )
  })

  it('refuses an abbreviated DEFAULT_TIMEZONE such as EST (America/Panama, no DST)', () => {
    assert.throws(
      () => loadConfig({ DEFAULT_TIMEZONE: 'EST' }),
      /DEFAULT_TIMEZONE: must be an IANA time zone .*not an abbreviation/,
    )
  })

  it('listens on 127.0.0.1 only when there are no API keys and HOST is not set', () => {
    assert.equal(loadConfig({}).host, '127.0.0.1')
    assert.equal(loadConfig({ API_KEYS: KEY }).host, '0.0.0.0')
    const explicit = loadConfig({ HOST: '0.0.0.0' })
    assert.equal(explicit.host, '0.0.0.0')
    assert.equal(explicit.hostExplicit, true)
  })

  it('derives PUBLIC_URL from PORT and strips a trailing slash from a given one', () => {
    assert.equal(loadConfig({ PORT: '9100' }).publicUrl, 'http://localhost:9100')
    assert.equal(loadConfig({ PUBLIC_URL: 'http://tools:8000/' }).publicUrl, 'http://tools:8000')
  })

  it('treats empty strings as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '', PUBLIC_URL: ' ', LOG_LEVEL: '' })
    assert.equal(config.port, 8000)
    assert.equal(config.databaseUrl, null)
  })

  it('names the variable and the rule when a value is invalid', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty' }),
      (err: Error) => {
        assert.ok(err instanceof ConfigError)
        assert.match(err.message, /PORT: must be a whole number/)
        return true
      },
    )
    assert.throws(() => loadConfig({ PORT: '70000' }), /PORT: must be at most 65535/)
    assert.throws(
      () => loadConfig({ DEFAULT_TIMEZONE: 'Mars/Base' }),
      /DEFAULT_TIMEZONE: must be an IANA time zone/,
    )
    assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL: must be one of/)
    assert.throws(
      () => loadConfig({ PUBLIC_URL: 'tools:8000' }),
      /PUBLIC_URL: must be an absolute http\(s\) URL/,
    )
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'mysql://x' }),
      /DATABASE_URL: must start with postgres/,
    )
    assert.throws(
      () => loadConfig({ METRICS_REQUIRE_AUTH: 'maybe' }),
      /METRICS_REQUIRE_AUTH: must be true or false/,
    )
  })

  it('lists every invalid variable at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' }),
      (err: Error) => {
        assert.match(err.message, /PORT/)
        assert.match(err.message, /LOG_LEVEL/)
        return true
      },
    )
  })

  it('returns a frozen object', () => {
    const config = loadConfig({})
    assert.ok(Object.isFrozen(config))
  })
})

describe('parseApiKeys', () => {
  it('accepts bare keys and name:key pairs', () => {
    assert.deepEqual(parseApiKeys(`${KEY}, dify:${'d'.repeat(20)}`), [
      { name: 'key1', key: KEY },
      { name: 'dify', key: 'd'.repeat(20) },
    ])
  })

  it('rejects short keys without echoing them', () => {
    assert.throws(
      () => parseApiKeys('ops:short-secret'),
      (err: Error) => {
        assert.match(err.message, /API_KEYS: entry 1 \(ops\) is shorter than 16 characters/)
        assert.doesNotMatch(err.message, /short-secret/)
        return true
      },
    )
  })

  it('rejects two keys with the same name', () => {
    assert.throws(() => parseApiKeys(`a:${KEY},a:${KEY}x`), /share a name/)
  })
})

describe('loadConfig: retention', () => {
  it('keeps executions 90 days (the newest 20 per job always) and finished jobs 180 by default', () => {
    assert.deepEqual(loadConfig({}).retention, {
      executionRetentionDays: 90,
      executionsKeptPerJob: 20,
      jobRetentionDays: 180,
    })
  })

  it('reads the three settings, 0 days meaning forever', () => {
    const config = loadConfig({
      EXECUTION_RETENTION_DAYS: '0',
      EXECUTIONS_KEPT_PER_JOB: '3',
      JOB_RETENTION_DAYS: '0',
    })
    assert.deepEqual(config.retention, {
      executionRetentionDays: 0,
      executionsKeptPerJob: 3,
      jobRetentionDays: 0,
    })
  })

  it('refuses negative, fractional, too short, huge and non-numeric values, naming the variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ EXECUTION_RETENTION_DAYS: '-1' }, /EXECUTION_RETENTION_DAYS: must be at least 0/],
      [{ EXECUTION_RETENTION_DAYS: '1.5' }, /EXECUTION_RETENTION_DAYS: must be a whole number/],
      [{ JOB_RETENTION_DAYS: '40000' }, /JOB_RETENTION_DAYS: must be at most 36500/],
      [{ JOB_RETENTION_DAYS: 'ninety' }, /JOB_RETENTION_DAYS: must be a whole number/],
      [{ EXECUTIONS_KEPT_PER_JOB: '-5' }, /EXECUTIONS_KEPT_PER_JOB: must be at least 0/],
      [
        { EXECUTION_RETENTION_DAYS: '3' },
        /EXECUTION_RETENTION_DAYS: must be 0 \(keep forever\) or at least 7 days/,
      ],
      [
        { JOB_RETENTION_DAYS: '6' },
        /JOB_RETENTION_DAYS: must be 0 \(keep forever\) or at least 7 days/,
      ],
    ]
    for (const [env, message] of cases) {
      assert.throws(
        () => loadConfig(env),
        (err: Error) => err instanceof ConfigError && message.test(err.message),
        JSON.stringify(env),
      )
    }
  })
})
