/**
 * Replays a Dockerfile without Docker: each stage gets a folder standing for its root filesystem,
 * WORKDIR/ENV/USER are tracked, COPY copies from the build context (honouring .dockerignore) or from
 * an earlier stage, and RUN executes — `npm …` commands only, the one kind our Dockerfile has. What
 * comes out is the final stage's working directory, environment, user and CMD, ready to start.
 */
import { spawn } from 'node:child_process'
import { cp, mkdir, readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { execForm, parseDockerfile, parseEnv, splitFlags, splitStages } from './dockerfile.ts'
import { isIgnored, parseDockerignore } from './dockerignore.ts'

export interface ReplayResult {
  /** Host folder standing for the final stage's WORKDIR. */
  workdir: string
  env: Record<string, string>
  user: string | null
  cmd: string[]
  healthcheck: string | null
  /** Every command RUN executed, in order. */
  ran: string[]
}

async function listContext(contextDir: string, relative: string): Promise<string[]> {
  const full = path.join(contextDir, relative)
  const info = await stat(full)
  if (!info.isDirectory()) return [relative]
  const entries = await readdir(full)
  const files: string[] = []
  for (const entry of entries.sort())
    files.push(...(await listContext(contextDir, `${relative}/${entry}`)))
  return files
}

function run(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => {
      output += String(d)
    })
    child.stderr.on('data', (d) => {
      output += String(d)
    })
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`RUN ${command} exited ${code}:\n${output}`)),
    )
  })
}

export async function replayDockerfile(options: {
  contextDir: string
  /** Empty folder that receives one sub-folder per stage. */
  outDir: string
  /** Extra environment for RUN (e.g. npm cache settings); the Dockerfile's ENV comes on top. */
  runEnv?: NodeJS.ProcessEnv
}): Promise<ReplayResult> {
  const { contextDir, outDir } = options
  const dockerfile = await readFile(path.join(contextDir, 'Dockerfile'), 'utf8')
  const ignore = parseDockerignore(
    await readFile(path.join(contextDir, '.dockerignore'), 'utf8').catch(() => ''),
  )
  const stages = splitStages(parseDockerfile(dockerfile))
  const roots = new Map<string, string>()
  const finals = new Map<string, ReplayResult>()
  let result: ReplayResult | null = null
  const ran: string[] = []

  for (const [index, stage] of stages.entries()) {
    const root = path.join(outDir, `stage-${index}`)
    await mkdir(root, { recursive: true })
    // FROM an earlier stage starts from its files and settings.
    const base = roots.get(stage.from)
    const inherited = finals.get(stage.from)
    if (base) await cp(base, root, { recursive: true, verbatimSymlinks: true })
    if (stage.name) roots.set(stage.name, root)
    roots.set(String(index), root)

    let workdir = inherited ? `/${path.relative(base ?? '', inherited.workdir)}` : '/'
    const env: Record<string, string> = { ...inherited?.env }
    let user: string | null = inherited?.user ?? null
    let cmd: string[] | null = inherited?.cmd ?? null
    let healthcheck: string | null = inherited?.healthcheck ?? null
    const inRoot = (p: string) => path.join(root, path.posix.resolve(workdir, p))

    for (const instruction of stage.instructions) {
      const { keyword, args } = instruction
      switch (keyword) {
        case 'WORKDIR':
          workdir = path.posix.resolve(workdir, args.trim())
          await mkdir(inRoot('.'), { recursive: true })
          break
        case 'ENV':
          Object.assign(env, parseEnv(args))
          break
        case 'USER':
          user = args.trim()
          break
        case 'EXPOSE':
        case 'LABEL':
        case 'STOPSIGNAL':
          break
        case 'HEALTHCHECK':
          healthcheck = args
          break
        case 'CMD': {
          cmd = execForm(args)
          if (!cmd) throw new Error(`line ${instruction.line}: CMD must be exec form`)
          break
        }
        case 'COPY': {
          const { flags, rest } = splitFlags(args)
          const dest = rest.pop()
          if (!dest || rest.length === 0) throw new Error(`line ${instruction.line}: bad COPY`)
          const unsupported = Object.keys(flags).filter((f) => f !== 'from' && f !== 'link')
          if (unsupported.length > 0) {
            throw new Error(`line ${instruction.line}: COPY --${unsupported[0]} is not replayed`)
          }
          const intoDir = dest.endsWith('/') || rest.length > 1
          if (flags.from) {
            const source = roots.get(flags.from)
            if (!source) throw new Error(`line ${instruction.line}: unknown stage ${flags.from}`)
            for (const src of rest) {
              const from = path.join(source, src)
              const to = intoDir ? path.join(inRoot(dest), path.basename(src)) : inRoot(dest)
              await cp(from, to, { recursive: true, verbatimSymlinks: true })
            }
            break
          }
          for (const src of rest) {
            if (/[*?[]/.test(src))
              throw new Error(`line ${instruction.line}: COPY globs are not replayed`)
            const relative = path.posix.normalize(src).replace(/\/$/, '')
            const files = await listContext(contextDir, relative).catch(() => [])
            const kept = files.filter((file) => !isIgnored(file, ignore))
            if (kept.length === 0) {
              throw new Error(
                `line ${instruction.line}: COPY ${src}: not in the build context (missing or .dockerignore'd)`,
              )
            }
            const isDir = (await stat(path.join(contextDir, relative))).isDirectory()
            for (const file of kept) {
              // A directory source copies its contents; a file source copies the file.
              const inside = isDir ? path.posix.relative(relative, file) : path.posix.basename(file)
              const target = isDir || intoDir ? path.join(inRoot(dest), inside) : inRoot(dest)
              await mkdir(path.dirname(target), { recursive: true })
              await cp(path.join(contextDir, file), target)
            }
          }
          break
        }
        case 'RUN': {
          if (execForm(args))
            throw new Error(`line ${instruction.line}: exec-form RUN is not replayed`)
          if (!/^npm\s/.test(args.trim())) {
            throw new Error(
              `line ${instruction.line}: only "RUN npm …" can be replayed without Docker; teach tests/deploy/replay.ts the new step`,
            )
          }
          ran.push(args.trim())
          await run(args.trim(), inRoot('.'), { ...process.env, ...options.runEnv, ...env })
          break
        }
        default:
          throw new Error(`line ${instruction.line}: ${keyword} is not replayed`)
      }
    }
    result = { workdir: inRoot('.'), env, user, cmd: cmd ?? [], healthcheck, ran: [...ran] }
    if (stage.name) finals.set(stage.name, result)
    finals.set(String(index), result)
  }
  if (!result) throw new Error('Dockerfile has no stage')
  return result
}
