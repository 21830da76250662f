/**
 * The receivers README shows (Node and Python) verify what this server sends, and refuse a
 * tampered body, a foreign secret and a stale timestamp: the README's code is run as written.
 */
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import { createWebhookSigner, parseSigningSecrets } from '../../src/outbound/signing.ts'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'readme-receivers-'))
after(() => rmSync(dir, { recursive: true, force: true }))

/** The fenced block right after `<!-- receiver:NAME -->`. */
function block(name: string): string {
  const match = readme.match(
    new RegExp(`<!-- receiver:${name} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``),
  )
  if (!match?.[1]) throw new Error(`README has no receiver:${name} block`)
  return match[1]
}

const secret = `whsec_${randomBytes(32).toString('base64')}`
const other = `whsec_${randomBytes(32).toString('base64')}`
const signer = createWebhookSigner(parseSigningSecrets(`${secret},${other}`))
const body = '{"type":"job.run.succeeded","data":{"text":"Olá"}}'
const now = Math.floor(Date.now() / 1000)
const cases = [
  { name: 'valid', secret, headers: signer.headers('msg_1', body, now), body, expected: true },
  {
    name: 'rotated',
    secret: other,
    headers: signer.headers('msg_1', body, now),
    body,
    expected: true,
  },
  {
    name: 'tampered',
    secret,
    headers: signer.headers('msg_1', body, now),
    body: `${body} `,
    expected: false,
  },
  {
    name: 'foreign secret',
    secret: `whsec_${randomBytes(32).toString('base64')}`,
    headers: signer.headers('msg_1', body, now),
    body,
    expected: false,
  },
  {
    name: 'stale',
    secret,
    headers: signer.headers('msg_1', body, now - 3600),
    body,
    expected: false,
  },
]

describe('README receivers', () => {
  it('the Node receiver verifies signed deliveries and refuses bad ones', async () => {
    const file = join(dir, 'receiver.mjs')
    writeFileSync(file, block('node'))
    const { verifyWebhook } = await import(pathToFileURL(file).href)
    for (const c of cases) {
      assert.equal(verifyWebhook(c.secret, c.headers, c.body), c.expected, c.name)
    }
  })

  it('the Python receiver verifies signed deliveries and refuses bad ones', (t) => {
    if (spawnSync('python3', ['--version']).status !== 0) {
      t.skip('python3 is not installed')
      return
    }
    const file = join(dir, 'receiver.py')
    writeFileSync(
      file,
      `${block('python')}\n\nimport json, sys\ncases = json.load(sys.stdin)\nprint(json.dumps([verify_webhook(c["secret"], c["headers"], c["body"].encode()) for c in cases]))\n`,
    )
    const out = execFileSync('python3', [file], { input: JSON.stringify(cases) }).toString()
    assert.deepEqual(
      JSON.parse(out),
      cases.map((c) => c.expected),
    )
  })
})
