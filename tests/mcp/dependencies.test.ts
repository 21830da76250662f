/**
 * The MCP SDK is pinned exactly (a 2.x minor may change what tools/list shows), and zod stays one
 * copy of at least 4.2: the SDK reads tool schemas through zod's `~standard.jsonSchema` (4.2+),
 * and a second zod would make schemas from one copy foreign to the other.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'

const read = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'))

describe('MCP dependencies', () => {
  it('pins @modelcontextprotocol/server (and the test client) exactly', () => {
    const manifest = read('package.json')
    assert.equal(manifest.dependencies['@modelcontextprotocol/server'], '2.4.0')
    assert.equal(manifest.devDependencies['@modelcontextprotocol/client'], '2.4.0')
    assert.equal(manifest.dependencies['@hono/mcp'], undefined)
    assert.equal(manifest.dependencies['@modelcontextprotocol/sdk'], undefined)
  })

  it('installs one zod, at 4.2 or later', () => {
    const lock = read('package-lock.json')
    const copies = Object.entries<{ version: string }>(lock.packages).filter(([path]) =>
      path.endsWith('node_modules/zod'),
    )
    assert.deepEqual(
      copies.map(([path]) => path),
      ['node_modules/zod'],
    )
    const [major, minor] = (copies[0]?.[1].version ?? '0.0').split('.').map(Number)
    assert.ok((major ?? 0) > 4 || ((major ?? 0) === 4 && (minor ?? 0) >= 2), copies[0]?.[1].version)
  })
})
