// The proof of work (hashbank/submissions/proof.py, docs/submissions.md "Proof of work"), in a
// Web Worker so the page stays responsive: find a decimal nonce such that
// SHA-256(challenge ":" nonce) starts with `bits` zero bits. SHA-256 is the browser's own
// (WebCrypto); nothing is fetched and nothing leaves the page but the answer.
const encoder = new TextEncoder();
const BATCH = 1024;

function zeroBits(bytes) {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

self.onmessage = async (event) => {
  const { challenge, bits } = event.data;
  const expected = 2 ** bits;
  const started = performance.now();
  let lastReport = started;
  for (let base = 0; ; base += BATCH) {
    const digests = await Promise.all(
      Array.from({ length: BATCH }, (_, i) =>
        crypto.subtle.digest("SHA-256", encoder.encode(`${challenge}:${base + i}`)),
      ),
    );
    for (let i = 0; i < BATCH; i++) {
      if (zeroBits(new Uint8Array(digests[i])) >= bits) {
        self.postMessage({ nonce: String(base + i), tried: base + i + 1, ms: performance.now() - started });
        return;
      }
    }
    const now = performance.now();
    if (now - lastReport > 250) {
      lastReport = now;
      const tried = base + BATCH;
      const rate = tried / ((now - started) / 1000); // hashes a second, measured on this device
      // The work is memoryless: past the expected count, about a tenth of it still remains.
      const left = Math.max(expected - tried, expected / 10);
      self.postMessage({ progress: { tried, expected, secondsLeft: Math.max(1, Math.ceil(left / rate)) } });
    }
  }
};
