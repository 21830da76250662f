/** The deploy tests' own tools: compose interpolation, .dockerignore matching, Dockerfile parsing. */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Compose interpolation, not JS templates.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  InterpolationError,
  interpolate,
  mergeCompose,
  parseDotEnv,
  parsePortSpec,
} from './compose.ts'
import {
  execForm,
  parseDockerfile,
  parseEnv,
  parseHealthcheck,
  splitFlags,
  splitStages,
} from './dockerfile.ts'
import { isIgnored, parseDockerignore } from './dockerignore.ts'

describe('compose interpolation', () => {
  const env = { SET: 'value', EMPTY: '' }

  it('substitutes like Compose', () => {
    assert.equal(interpolate('${SET}/$SET/${NONE}', env), 'value/value/')
    assert.equal(interpolate('${SET:-d} ${EMPTY:-d} ${NONE:-d}', env), 'value d d')
    assert.equal(interpolate('${SET-d} ${EMPTY-d} ${NONE-d}', env), 'value  d')
    assert.equal(interpolate('${SET:+r} ${EMPTY:+r} ${EMPTY+r}', env), 'r  r')
    assert.equal(interpolate('${NONE:-http://${SET}:8000}', env), 'http://value:8000')
    assert.equal(interpolate('cost $$5 and $${SET}', env), 'cost $5 and ${SET}')
  })

  it('fails on required variables and bad syntax', () => {
    assert.throws(() => interpolate('${EMPTY:?needed}', env), /^InterpolationError: EMPTY: needed$/)
    assert.throws(() => interpolate('${NONE?needed}', env), InterpolationError)
    assert.equal(interpolate('${EMPTY?needed}', env), '')
    assert.throws(() => interpolate('${SET', env), /unclosed/)
    assert.throws(() => interpolate('$(date)', env), /\$\$/)
  })

  it('reads .env files and merges overrides', () => {
    assert.deepEqual(parseDotEnv('# c\nA=1\nexport B="two words"\nC=\nD=x # note\n'), {
      A: '1',
      B: 'two words',
      C: '',
      D: 'x',
    })
    assert.deepEqual(
      mergeCompose(
        { services: { s: { environment: { A: '1' }, ports: ['1:1'] } } },
        { services: { s: { environment: { B: '2' }, ports: ['1:1', '2:2'] } } },
      ),
      { services: { s: { environment: { A: '1', B: '2' }, ports: ['1:1', '2:2'] } } },
    )
  })

  it('parses short port mappings', () => {
    assert.deepEqual(parsePortSpec('8000'), {
      hostIp: null,
      hostFirst: null,
      hostLast: null,
      container: 8000,
    })
    assert.deepEqual(parsePortSpec('127.0.0.1:8787-8789:8000/tcp'), {
      hostIp: '127.0.0.1',
      hostFirst: 8787,
      hostLast: 8789,
      container: 8000,
    })
    assert.throws(() => parsePortSpec(':8000'))
  })
})

describe('.dockerignore matching', () => {
  it('anchors at the root, re-includes with !, matches inside ignored folders', () => {
    const patterns = parseDockerignore('# c\n*\n!src\n!package.json\nsrc/**/*.test.ts\n')
    assert.equal(isIgnored('README.md', patterns), true)
    assert.equal(isIgnored('node_modules/a/b.js', patterns), true)
    assert.equal(isIgnored('src/main.ts', patterns), false)
    assert.equal(isIgnored('src/db/pool.ts', patterns), false)
    assert.equal(isIgnored('src/db/pool.test.ts', patterns), true)
    assert.equal(isIgnored('src/x.test.ts', patterns), true)
    assert.equal(isIgnored('package.json', patterns), false)
    assert.equal(isIgnored('lib/package.json', patterns), true)
  })

  it('does not match basenames below the root (unlike .gitignore)', () => {
    const patterns = parseDockerignore('*.md\n/.env\n')
    assert.equal(isIgnored('README.md', patterns), true)
    assert.equal(isIgnored('docs/guide.md', patterns), false)
    assert.equal(isIgnored('.env', patterns), true)
    assert.equal(isIgnored('config/.env', patterns), false)
  })
})

describe('Dockerfile parsing', () => {
  const text = [
    '# syntax=docker/dockerfile:1',
    'FROM node:24-slim AS deps',
    'RUN npm ci \\',
    '  # a comment inside a continuation',
    '  --omit=dev',
    'FROM deps',
    'ENV A=1 B="two words"',
    'COPY --from=deps --link /app/x ./x',
    'HEALTHCHECK --interval=5s CMD ["node", "-e", "1"]',
    'CMD ["node", "main.js"]',
  ].join('\n')

  it('joins continuations, drops comments and splits stages', () => {
    const instructions = parseDockerfile(text)
    assert.deepEqual(
      instructions.map((i) => i.keyword),
      ['FROM', 'RUN', 'FROM', 'ENV', 'COPY', 'HEALTHCHECK', 'CMD'],
    )
    assert.equal(instructions[1]?.args, 'npm ci --omit=dev')
    const stages = splitStages(instructions)
    assert.deepEqual(
      stages.map((s) => [s.from, s.name, s.instructions.length]),
      [
        ['node:24-slim', 'deps', 1],
        ['deps', null, 4],
      ],
    )
  })

  it('reads exec forms, flags, ENV and HEALTHCHECK', () => {
    assert.deepEqual(execForm('["node", "main.js"]'), ['node', 'main.js'])
    assert.equal(execForm('node main.js'), null)
    assert.deepEqual(splitFlags('--from=deps --link /app/x ./x'), {
      flags: { from: 'deps', link: 'true' },
      rest: ['/app/x', './x'],
    })
    assert.deepEqual(parseEnv('A=1 B="two words"'), { A: '1', B: 'two words' })
    assert.deepEqual(parseEnv('LEGACY some value'), { LEGACY: 'some value' })
    assert.deepEqual(parseHealthcheck('--interval=5s CMD ["node", "-e", "1"]'), {
      options: { interval: '5s' },
      exec: ['node', '-e', '1'],
      shell: null,
    })
    assert.throws(() => parseDockerfile('FROM x\nRUN a \\'), /continuation/)
  })
})
