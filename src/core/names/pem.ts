/**
 * Private keys as PEM PKCS#8 (`key export|import --format=pem-pkcs8-cleartext`), through Node's crypto
 * (OpenSSL) for the ASN.1, and @libp2p/crypto for the libp2p key objects. Ed25519, RSA, secp256k1 and
 * ECDSA (P-256/384/521) keys go both ways; the output is what `openssl genpkey` writes.
 */
import { createECDH, createPrivateKey, type KeyObject } from 'node:crypto'
import type { PrivateKey } from '@libp2p/interface'
import { InvalidArgumentError, UnsupportedError } from '../errors.ts'

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')

export async function fromPem (text: string): Promise<PrivateKey> {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)
  if (m === null) throw new InvalidArgumentError('PEM block not found in input data')
  if (m[1] !== 'PRIVATE KEY') throw new InvalidArgumentError(`unexpected PEM block type "${m[1] as string}": expected a PKCS#8 "PRIVATE KEY"`)
  let ko: KeyObject
  try {
    ko = createPrivateKey({ key: text, format: 'pem' })
  } catch (err) {
    throw new InvalidArgumentError(`parsing PKCS8 format: ${(err as Error).message}`)
  }
  const { generateKeyPairFromSeed, privateKeyFromRaw } = await import('@libp2p/crypto/keys')
  const jwk = ko.export({ format: 'jwk' })
  try {
    switch (ko.asymmetricKeyType) {
      case 'ed25519':
        return await generateKeyPairFromSeed('Ed25519', Buffer.from(jwk.d ?? '', 'base64url'))
      case 'rsa':
        return privateKeyFromRaw(ko.export({ type: 'pkcs1', format: 'der' }))
      case 'ec':
        if (jwk.crv === 'secp256k1') return privateKeyFromRaw(Buffer.from(jwk.d ?? '', 'base64url'))
        return privateKeyFromRaw(ko.export({ type: 'sec1', format: 'der' }))
    }
  } catch (err) {
    throw new InvalidArgumentError(`parsing PKCS8 format: ${(err as Error).message}`)
  }
  throw new UnsupportedError(`unsupported private key type ${String(ko.asymmetricKeyType)}`)
}

function keyObject (key: PrivateKey): KeyObject {
  const raw = key.raw
  switch (key.type) {
    case 'Ed25519':
      return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64url(raw.subarray(0, 32)), x: b64url(key.publicKey.raw) }, format: 'jwk' })
    case 'RSA':
      return createPrivateKey({ key: Buffer.from(raw), format: 'der', type: 'pkcs1' })
    case 'ECDSA':
      return createPrivateKey({ key: Buffer.from(raw), format: 'der', type: 'sec1' })
    case 'secp256k1': {
      const ecdh = createECDH('secp256k1')
      ecdh.setPrivateKey(raw)
      const pub = ecdh.getPublicKey()
      return createPrivateKey({ key: { kty: 'EC', crv: 'secp256k1', d: b64url(raw), x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33)) }, format: 'jwk' })
    }
  }
  throw new UnsupportedError(`cannot export a ${String((key as { type: string }).type)} key as PEM`)
}

export function toPem (key: PrivateKey): string {
  return keyObject(key).export({ type: 'pkcs8', format: 'pem' }).toString()
}
