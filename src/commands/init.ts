import { readFile } from 'node:fs/promises'
import { command } from './command.ts'
import { initRepo } from '../core/repo/repo.ts'
import { parseProfileList } from '../core/repo/profiles.ts'
import { InvalidArgumentError, InvalidConfigError, LocalFileError } from '../core/errors.ts'
import { repoPathFrom } from '../cli/execute.ts'

export default command({
  path: ['init'],
  tagline: 'Initializes tsipfs config file.',
  description: `
Initializes tsipfs configuration files and generates a new keypair.

If you are going to run tsipfs in a server environment, you may want to initialize it using the 'server'
profile. For the list of available profiles see 'tsipfs config profile --help'.

tsipfs uses a repository in the local file system. By default, the repo is located at ~/.tsipfs. To change
the repo location, set the $IPFS_PATH environment variable:

    export IPFS_PATH=/path/to/tsipfsrepo`,
  args: [{ name: 'default-config', type: 'string', description: 'Initialize with the given configuration.' }],
  options: [
    { name: 'algorithm', aliases: ['a'], type: 'string', default: 'ed25519', description: 'Cryptographic algorithm to use for key generation (ed25519, rsa, secp256k1).' },
    { name: 'bits', aliases: ['b'], type: 'int', default: 2048, description: 'Number of bits to use in the generated RSA private key.' },
    { name: 'empty-repo', aliases: ['e'], type: 'bool', default: true, description: "Don't add and pin help files to the local storage (tsipfs never adds them; accepted for Kubo compatibility)." },
    { name: 'profile', aliases: ['p'], type: 'string', description: "Apply profile settings to config. Multiple profiles can be separated by ','." }
  ],
  output: 'value',
  repo: 'none',
  cliOnly: true,
  async run ({ args, options }) {
    const algorithm = String(options.algorithm)
    if (algorithm !== 'ed25519' && algorithm !== 'rsa' && algorithm !== 'secp256k1') {
      throw new InvalidArgumentError(`invalid key type "${algorithm}": use ed25519, rsa or secp256k1`)
    }
    const bits = Number(options.bits)
    // @libp2p/crypto refuses RSA keys over 8192 bits; Kubo refuses ones under 2048
    if (algorithm === 'rsa' && (!Number.isInteger(bits) || bits < 2048)) throw new InvalidArgumentError('rsa keys must be >= 2048 bits to be useful')
    if (algorithm === 'rsa' && bits > 8192) throw new InvalidArgumentError('rsa keys must be <= 8192 bits')
    let config: Record<string, unknown> | undefined
    if (args[0] !== undefined) {
      let text: string
      try {
        text = await readFile(args[0], 'utf8')
      } catch (err) {
        throw new LocalFileError(`could not read config file ${args[0]}: ${(err as Error).message}`)
      }
      try {
        config = JSON.parse(text) as Record<string, unknown>
      } catch (err) {
        throw new InvalidConfigError(`config file ${args[0]} is not valid JSON: ${(err as Error).message}`)
      }
    }
    const repoPath = repoPathFrom(options)
    const result = await initRepo(repoPath, {
      algorithm,
      bits,
      profiles: parseProfileList(options.profile as string | undefined),
      config
    })
    // a config file that brings its own identity gets no new key, and Kubo then says nothing of one
    const identity = config?.Identity as { PeerID?: unknown, PrivKey?: unknown } | undefined
    return { ID: result.Identity.PeerID, RepoPath: repoPath, KeyGenerated: typeof identity?.PeerID !== 'string' || typeof identity.PrivKey !== 'string' }
  },
  // Kubo 0.42's lines; with an empty repo (its default, and tsipfs never adds help files) nothing follows
  text: (out, options) => (out.KeyGenerated
    ? `generating ${String(options.algorithm) === 'rsa' ? `${Number(options.bits)}-bit ` : ''}${String(options.algorithm).toUpperCase()} keypair...done\npeer identity: ${out.ID}\n`
    : '') + `initializing tsipfs node at ${out.RepoPath}\n`
})
