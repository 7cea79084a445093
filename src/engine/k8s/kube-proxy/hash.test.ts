import { describe, expect, it } from 'vitest';
import { base32, chainHash, sha256Hex } from './hash.ts';
import { endpointChain, serviceChains } from './names.ts';

describe('sha256', () => {
  it('matches the FIPS 180-4 vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(sha256Hex('a'.repeat(1000))).toBe('41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3');
  });
  it('handles the padding boundaries (55, 56 and 64 bytes)', () => {
    expect(sha256Hex('a'.repeat(55))).toBe('9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318');
    expect(sha256Hex('a'.repeat(56))).toBe('b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a');
    expect(sha256Hex('a'.repeat(64))).toBe('ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb');
  });
});

describe('base32', () => {
  it('matches the RFC 4648 vectors', () => {
    const enc = (s: string) => base32(new TextEncoder().encode(s));
    expect(enc('')).toBe('');
    expect(enc('f')).toBe('MY======');
    expect(enc('fo')).toBe('MZXQ====');
    expect(enc('foo')).toBe('MZXW6===');
    expect(enc('foob')).toBe('MZXW6YQ=');
    expect(enc('fooba')).toBe('MZXW6YTB');
    expect(enc('foobar')).toBe('MZXW6YTBOI======');
  });
});

describe('chain names', () => {
  it('reproduce upstream test data', () => {
    expect(chainHash('ns1/svc1:p80tcp')).toBe('XPGD46QRK7WJZT7O');
    expect(serviceChains('ns1/svc1:p80', 'tcp').cluster).toBe('KUBE-SVC-XPGD46QRK7WJZT7O');
    expect(serviceChains('ns1/svc1', 'tcp').cluster).toBe('KUBE-SVC-AQI2S6QIMU7PVVRP');
    expect(endpointChain('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
    expect(endpointChain('ns1/svc1:p80', 'tcp', '[ff06::c1]:80')).toBe('KUBE-SEP-LIGRYQQLSZN4UWQ5');
  });
  it('reproduce the 1.19 names in seed 004 (default/webapp, unnamed port)', () => {
    expect(serviceChains('default/webapp', 'tcp').externalLocal).toBe('KUBE-XLB-2IRACUALRELARSND');
    expect(endpointChain('default/webapp', 'tcp', '10.244.120.102:80')).toBe('KUBE-SEP-AO6KYGU752IZFEZ4');
    expect(endpointChain('default/webapp', 'tcp', '10.244.120.111:80')).toBe('KUBE-SEP-5T4S2ILYSXWY3R2J');
  });
});
