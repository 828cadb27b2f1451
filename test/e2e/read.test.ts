import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, writeFile, readFile, readlink, readdir, lstat, chmod, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { CID } from 'multiformats/cid'
import { harness } from '../helpers/cli.ts'

async function tree (dir: string): Promise<void> {
  await mkdir(join(dir, 'sub'), { recursive: true })
  await writeFile(join(dir, 'a.txt'), 'a\n')
  await writeFile(join(dir, 'sub', 'b.txt'), 'b'.repeat(300000))
}

test('cat with offset and length; ls; refs; resolve; get round-trips a tree', async (t) => {
  const h = await harness(t)
  const src = join(h.dir, 'src')
  await tree(src)
  const root = (await h.ok(['add', '-Q', '-r', src])).trim()
  assert.equal(await h.ok(['cat', `/ipfs/${root}/sub/b.txt`, '--offset', '299998']), 'bb')
  assert.equal(await h.ok(['cat', `${root}/sub/b.txt`, '-o', '10', '-l', '3']), 'bbb')
  const ls = await h.ok(['ls', root])
  assert.match(ls, /^Qm\S+ 2 a\.txt\nQm\S+ - sub\/\n$/)
  const json = JSON.parse(await h.ok(['ls', root, '--enc=json'])) as { Objects: Array<{ Links: Array<{ Name: string, Hash: string, Type: number, Size: number, Mode: number, ModTime: string }> }> }
  assert.deepEqual(json.Objects[0]?.Links.map(l => [l.Name, l.Type]), [['a.txt', 2], ['sub', 1]])
  // Kubo's columns (Go's tabwriter): each as wide as its widest cell plus one space; compared with Kubo 0.42
  const [aHash, subHash] = json.Objects[0]?.Links.map(l => l.Hash) ?? []
  assert.equal(await h.ok(['ls', '-v', root]), `Hash${' '.repeat(43)}Size Name\n${aHash} 2    a.txt\n${subHash} -    sub/\n`)
  assert.equal(await h.ok(['ls', '--size=false', root]), `${aHash} a.txt\n${subHash} sub/\n`)
  // --long (Kubo 0.42): mode and mtime, '-' where none is stored; the JSON has Go's zero FileMode and time
  assert.equal(await h.ok(['ls', '-l', root]), `- ${aHash} 2 - a.txt\n- ${subHash} - - sub/\n`)
  const withMeta = join(h.dir, 'meta')
  await mkdir(withMeta)
  await writeFile(join(withMeta, 'f'), 'f\n')
  await chmod(join(withMeta, 'f'), 0o4750)
  await utimes(join(withMeta, 'f'), new Date('2020-03-04T05:06:07Z'), new Date('2020-03-04T05:06:07Z'))
  const metaRoot = (await h.ok(['add', '-Q', '-r', '--preserve-mode', '--preserve-mtime', withMeta])).trim()
  assert.match(await h.ok(['ls', '-l', '-v', metaRoot]), /^Mode {7}Hash {43}Size ModTime {6}Name\n-rwsr-x--- Qm\w{44} 2 {4}Mar 04 {2}2020 f\n$/)
  const metaJson = JSON.parse(await h.ok(['ls', '--enc=json', metaRoot])) as { Objects: Array<{ Links: Array<{ Mode: number, ModTime: string }> }> }
  assert.deepEqual([metaJson.Objects[0]?.Links[0]?.Mode, metaJson.Objects[0]?.Links[0]?.ModTime], [2 ** 23 + 0o750, '2020-03-04T05:06:07Z'])
  assert.deepEqual([json.Objects[0]?.Links[0]?.Mode, json.Objects[0]?.Links[0]?.ModTime], [0, '0001-01-01T00:00:00Z'])
  const bHash = (await h.ok(['resolve', `/ipfs/${root}/sub/b.txt`])).trim().replace('/ipfs/', '')
  assert.equal(await h.ok(['ls', root, `${root}/sub`]), `${root}:\n${aHash} 2 a.txt\n${subHash} - sub/\n\n${root}/sub:\n${bHash} 300000 b.txt\n`)
  // a file lists the links of its root: its two chunks, unnamed
  assert.match(await h.ok(['ls', `${root}/sub/b.txt`]), /^Qm\w{44} 262144 \nQm\w{44} 37856  \n$/)
  const refs = (await h.ok(['refs', '-r', root])).trim().split('\n')
  assert.equal(refs.length, 5) // a.txt, sub, b.txt and its 2 leaves
  const unique = (await h.ok(['refs', '-r', '-u', '--format=<linkname>', root])).trim().split('\n')
  assert.deepEqual(unique.slice(0, 2), ['a.txt', 'sub'])
  // JSON escapes <, > and & as Go's encoding/json does
  assert.match(await h.ok(['refs', '-e', '--enc=json', root]), new RegExp(`^\\{"Ref":"${root} -\\\\u003e Qm\\w+","Err":""\\}\\n`))
  // as Kubo 0.42: --unique holds across all the roots given, and --max-depth counts only with -r
  assert.equal(await h.ok(['refs', '-r', '-u', root, root]), await h.ok(['refs', '-r', '-u', root]))
  assert.equal(await h.ok(['refs', '--max-depth=2', root]), await h.ok(['refs', root]))
  assert.equal(await h.ok(['refs', '--max-depth=0', root]), await h.ok(['refs', root]))
  assert.equal((await h.ok(['refs', '-r', '--max-depth=1', root])).trim().split('\n').length, 2)
  const resolved = (await h.ok(['resolve', `/ipfs/${root}/sub`])).trim()
  assert.match(resolved, /^\/ipfs\/Qm\w+$/)
  // --cid-base other than base58btc upgrades CIDv0 to v1 (Kubo 0.42); a base Kubo does not know fails before
  // anything is done; without --cid-base, resolve answers in the base of the path's root (compared with Kubo 0.42)
  const v1 = (cid: string): string => CID.parse(cid).toV1().toString()
  assert.equal(await h.ok(['ls', '--cid-base=base32', '--size=false', root]), `${v1(aHash as string)} a.txt\n${v1(subHash as string)} sub/\n`)
  assert.equal(await h.ok(['resolve', '--cid-base=base32', `/ipfs/${root}/sub`]), `/ipfs/${v1(resolved.slice(6))}\n`)
  assert.equal(await h.ok(['resolve', `/ipfs/${v1(root)}/sub`]), `/ipfs/${v1(resolved.slice(6))}\n`)
  assert.equal(await h.ok(['dag', 'resolve', `${v1(root)}/sub`]), v1(resolved.slice(6)))
  const badBase = await h.run(['add', '-Q', '--cid-base=nope'], { input: 'not added' })
  assert.equal(badBase.code, 1)
  assert.equal(badBase.stderr, 'Error: unsupported multibase encoding: nope\n')
  assert.equal((await h.run(['block', 'stat', '--offline', 'QmbrwmpxGrgHCaKXt7uhw5TG3KDq9RXuSwwPjJuM8ZRuG6'])).code, 1)
  assert.equal((await h.run(['refs', '--cid-base=nope', root])).stderr, 'Error: unsupported multibase encoding: nope\n')
  const out = join(h.dir, 'out')
  assert.equal(await h.ok(['get', '-o', out, root]), `Saving file(s) to ${out}\n`)
  assert.equal(await readFile(join(out, 'sub', 'b.txt'), 'utf8'), 'b'.repeat(300000))
  assert.equal(await readFile(join(out, 'a.txt'), 'utf8'), 'a\n')
  assert.equal(await h.ok(['get', '-a', '-o', join(h.dir, 'arch'), root]), `Saving archive to ${join(h.dir, 'arch')}.tar\n`)
  assert.ok((await lstat(join(h.dir, 'arch.tar'))).size > 300000)
  // a second get replaces the archive, as Kubo does
  await h.ok(['get', '-a', '-o', join(h.dir, 'arch'), `${root}/a.txt`])
  assert.ok((await lstat(join(h.dir, 'arch.tar'))).size < 300000)
  // -C without -a gzips a file as it is (Kubo 0.42), and refuses a directory with Kubo's words
  const gz = join(h.dir, 'a')
  assert.equal(await h.ok(['get', '-C', '-o', gz, `${root}/a.txt`]), `Saving archive to ${gz}.gz\n`)
  assert.equal(gunzipSync(await readFile(`${gz}.gz`)).toString(), 'a\n')
  assert.equal((await h.run(['get', '-C', '-o', join(h.dir, 'd'), root])).stderr, 'Error: file is not regular\n')
  assert.equal((await h.run(['get', '-C', '-l', '10', root])).stderr, 'Error: compression level must be between 1 and 9\n')
  const noName = await h.run(['get', '-o', join(h.dir, 'none'), `${root}/nope`])
  assert.equal(noName.stdout, '')
  assert.equal(noName.stderr, `Error: no link named "nope" under ${root}\n`)
  // a name after a file is an error, not the file
  assert.equal((await h.run(['cat', `${root}/a.txt/x`])).code, 1)
  assert.equal((await h.run(['resolve', `/ipfs/${root}/a.txt/x`])).stderr, `Error: no link named "x" under ${aHash as string}\n`)
})

test('reading a directory with cat, a missing block, or a bad path is a clear error', async (t) => {
  const h = await harness(t)
  const src = join(h.dir, 'src')
  await tree(src)
  const root = (await h.ok(['add', '-Q', '-r', src])).trim()
  const dir = await h.run(['cat', root])
  assert.equal(dir.code, 1)
  assert.match(dir.stderr, /^Error: this dag node is a directory\n$/)
  const missing = await h.run(['cat', 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'])
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /not found locally/)
  // paths are checked and cleaned as boxo does, in its words
  assert.equal((await h.run(['cat', '/ipfs/'])).stderr, 'Error: invalid path "/ipfs/": path does not have enough components\n')
  assert.equal((await h.run(['cat', '/ipns/'])).stderr, 'Error: invalid path "/ipns/": path does not have enough components\n')
  assert.equal((await h.run(['cat', ''])).stderr, 'Error: invalid path "": path does not have enough components\n')
  assert.equal((await h.run(['cat', '/foo/x'])).stderr, 'Error: invalid path "/foo/x": unknown namespace: "foo"\n')
  assert.equal(await h.ok(['cat', `/ipfs//${root}/sub/../a.txt`]), 'a\n')
  assert.equal((await h.run(['block', 'rm', 'foo'])).stderr, 'Error: invalid path "foo": path does not have enough components\n')
  const noLink = await h.run(['ls', `${root}/nope`])
  assert.equal(noLink.code, 1)
  assert.match(noLink.stderr, /^Error: /)
})

test('get never writes outside the output path, whatever names the DAG holds', async (t) => {
  const h = await harness(t)
  // a directory whose link is named "..", built from raw dag-pb bytes and stored with block put
  const { encode, prepare } = await import('@ipld/dag-pb')
  const { UnixFS } = await import('ipfs-unixfs')
  const { CID } = await import('multiformats/cid')
  const { sha256 } = await import('multiformats/hashes/sha2')
  const file = encode(prepare({ Data: new UnixFS({ type: 'file', data: new TextEncoder().encode('pwned') }).marshal() }))
  const fileCid = CID.createV0(await sha256.digest(file))
  for (const name of ['..', '../escape', 'a/../../b', '/etc']) {
    const dirBlock = encode(prepare({ Data: new UnixFS({ type: 'directory' }).marshal(), Links: [{ Name: name, Hash: fileCid, Tsize: file.length }] }))
    const dirCid = CID.createV0(await sha256.digest(dirBlock))
    await writeFile(join(h.dir, 'file.bin'), file)
    await writeFile(join(h.dir, 'dir.bin'), dirBlock)
    await h.ok(['block', 'put', '--cid-codec=dag-pb', join(h.dir, 'file.bin')])
    await h.ok(['block', 'put', '--cid-codec=dag-pb', join(h.dir, 'dir.bin')])
    const out = join(h.dir, 'nested', 'out')
    await mkdir(join(h.dir, 'nested'), { recursive: true })
    const r = await h.run(['get', '-o', out, dirCid.toString()])
    assert.equal(r.code, 1, `name ${name} is refused`)
    assert.match(r.stderr, /Error: refusing unsafe name/)
    assert.deepEqual((await readdir(h.dir)).sort(), ['dir.bin', 'file.bin', 'nested', 'repo'])
    assert.deepEqual(await readdir(join(h.dir, 'nested')).then(e => e.filter(n => n !== 'out')), [])
  }
})

test('get recreates symlinks as symlinks and does not write through them', async (t) => {
  const h = await harness(t)
  const src = join(h.dir, 'src')
  await mkdir(src)
  await writeFile(join(src, 'a'), 'a')
  const { symlink } = await import('node:fs/promises')
  await symlink('/etc', join(src, 'l'))
  const root = (await h.ok(['add', '-Q', '-r', src])).trim()
  const out = join(h.dir, 'out')
  await h.ok(['get', '-o', out, root])
  assert.equal(await readlink(join(out, 'l')), '/etc')
})

test('--timeout stops a long command with Kubo\'s "context deadline exceeded"', async (t) => {
  const h = await harness(t)
  const cid = (await h.ok(['add', '-Q', '--chunker=size-1000'], { input: new Uint8Array(3_000_000).map((_, i) => i % 251) })).trim()
  const r = await h.run(['refs', '-r', cid, '--timeout=1ms'])
  assert.equal(r.code, 1)
  assert.equal(r.stderr, 'Error: context deadline exceeded\n')
  assert.equal((await h.run(['refs', '-r', cid, '--timeout=1m'])).code, 0)
})

test('names with characters Go does not print: add and ls escape them as Kubo does (EscNonPrint)', async (t) => {
  const h = await harness(t)
  const dir = join(h.dir, 'd')
  await mkdir(dir)
  // each file holds its own name; the escaped forms are what Kubo 0.42 printed for the same directory
  const names: Array<[string, string]> = [
    ['a\tb', 'a\\tb'], ['back\\slash', 'back\\\\slash'], ['bel\x07l', 'bel\\al'], ['del\x7fx', 'del\\x7fx'],
    ['esc\x1bx', 'esc\\x1bx'], ['flag\u{1F3F3}', 'flag\u{1F3F3}'], ['nb\u00a0sp', 'nb\\u00a0sp'], ['quo"te', 'quo"te'],
    ['soft\u00adhy', 'soft\\u00adhy']
  ]
  for (const [name] of names) await writeFile(join(dir, name), name)
  const added = (await h.ok(['add', '-r', dir])).split('\n').filter(l => l !== '')
  assert.deepEqual(added.slice(0, -1).map(l => l.split(' ').slice(2).join(' ')), names.map(([, esc]) => `d/${esc}`))
  const root = (added.at(-1) as string).split(' ')[1] as string
  const listed = (await h.ok(['ls', '--size=false', root])).split('\n').filter(l => l !== '')
  assert.deepEqual(listed.map(l => l.slice(l.indexOf(' ') + 1)), names.map(([, esc]) => esc))
  // the JSON keeps the names as they are
  const json = JSON.parse(await h.ok(['ls', root, '--enc=json'])) as { Objects: Array<{ Links: Array<{ Name: string }> }> }
  assert.deepEqual(json.Objects[0]?.Links.map(l => l.Name), names.map(([name]) => name))
})
