import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { normaliseDifyApiUrl, parseDifyApps } from '../../src/integrations/dify/index.ts'

const KEY = 'app-s3cr3tKeyValue'

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    return err.message
  }
  assert.fail('expected a ConfigError')
}

describe('normaliseDifyApiUrl', () => {
  it('adds /v1 once, keeps a path prefix and drops trailing slashes', () => {
    assert.equal(normaliseDifyApiUrl('http://api:5001'), 'http://api:5001/v1')
    assert.equal(normaliseDifyApiUrl('http://api:5001/'), 'http://api:5001/v1')
    assert.equal(normaliseDifyApiUrl('https://dify.example.com/v1/'), 'https://dify.example.com/v1')
    assert.equal(normaliseDifyApiUrl('https://example.com/dify'), 'https://example.com/dify/v1')
  })

  it('refuses other schemes, credentials and queries', () => {
    assert.throws(() => normaliseDifyApiUrl('ftp://x'), /http\(s\)/)
    assert.throws(() => normaliseDifyApiUrl('api:5001'), /http\(s\)/)
    assert.throws(() => normaliseDifyApiUrl('http://u:p@api:5001'), /credentials/)
    assert.throws(() => normaliseDifyApiUrl('http://api:5001/?x=1'), /query/)
  })
})

describe('parseDifyApps', () => {
  it('reads name:mode:key entries, Dify’s mode names as aliases, and hides the key from JSON', () => {
    const apps = parseDifyApps(
      ` helper:chat:${KEY}, flow:workflow:app-2 ,bot:agent-chat:app-3,x:advanced-chat:app-4,t:completion:a:b`,
    )
    assert.deepEqual(
      apps.map((a) => [a.name, a.mode, a.apiKey]),
      [
        ['helper', 'chat', KEY],
        ['flow', 'workflow', 'app-2'],
        ['bot', 'agent', 'app-3'],
        ['x', 'chat', 'app-4'],
        ['t', 'completion', 'a:b'],
      ],
    )
    assert.equal(JSON.stringify(apps).includes(KEY), false)
    assert.deepEqual(apps[0], { name: 'helper', mode: 'chat' })
  })

  it('rejects bad entries naming the entry and never the key', () => {
    const cases: [string, RegExp][] = [
      [KEY, /entry 1 is not name:mode:api_key/],
      [`helper:${KEY}`, /entry 1 is not name:mode:api_key/],
      [`${KEY}:helper:chat`, /looks like an API key/],
      [`he lper:chat:${KEY}`, /invalid name/],
      [
        `ok:chat:app-1,helper:chatbotx:${KEY}`,
        /entry 2 \(helper\) has an unknown mode; use one of workflow, chat, agent, completion/,
      ],
      ['helper:chat: ', /entry 1 is not|empty API key/],
      [`helper:chat:${KEY},Helper:agent:app-2`, /two entries are named "Helper"/],
    ]
    for (const [raw, pattern] of cases) {
      let message = ''
      try {
        parseDifyApps(raw)
      } catch (err) {
        message = (err as Error).message
      }
      assert.match(message, pattern, raw)
      assert.equal(message.includes(KEY), false, `key echoed for ${raw}`)
    }
  })
})

describe('loadConfig: Dify', () => {
  it('has no apps and the documented defaults when nothing is set', () => {
    const { dify } = loadConfig({})
    assert.deepEqual(dify, {
      apiUrl: null,
      apps: [],
      defaultUser: 'agent-tool-server',
      timeoutSeconds: 300,
    })
  })

  it('normalises DIFY_API_URL and reads the apps, user and timeout', () => {
    const { dify } = loadConfig({
      DIFY_API_URL: 'http://api:5001/',
      DIFY_APPS: `helper:chat:${KEY}`,
      DIFY_DEFAULT_USER: 'scheduler',
      DIFY_TIMEOUT_SECONDS: '120',
    })
    assert.equal(dify.apiUrl, 'http://api:5001/v1')
    assert.equal(dify.apps[0]?.apiKey, KEY)
    assert.equal(dify.defaultUser, 'scheduler')
    assert.equal(dify.timeoutSeconds, 120)
  })

  it('names the variable and keeps the key out of every message', () => {
    assert.match(
      configError({ DIFY_APPS: `helper:chat:${KEY}` }),
      /DIFY_API_URL: required when DIFY_APPS is set/,
    )
    const bad = configError({ DIFY_API_URL: 'http://api', DIFY_APPS: `helper:nope:${KEY}` })
    assert.match(bad, /^DIFY_APPS: entry 1 \(helper\) has an unknown mode/)
    assert.equal(bad.includes(KEY), false)
    assert.match(configError({ DIFY_API_URL: 'api:5001' }), /^DIFY_API_URL: /)
    assert.match(
      configError({ DIFY_TIMEOUT_SECONDS: '0' }),
      /DIFY_TIMEOUT_SECONDS: must be at least 1/,
    )
  })
})
