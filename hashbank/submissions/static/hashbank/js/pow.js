// Solve a proof-of-work challenge the submission API sent (pow_required / pow_expired) in a Web
// Worker (pow-worker.js); onProgress gets {tried, expected, secondsLeft} a few times a second.
//
//   import { solveChallenge } from "/static/hashbank/js/pow.js";
//   const nonce = await solveChallenge(detail.challenge, detail.bits, { onProgress });
export function solveChallenge(challenge, bits, { onProgress } = {}) {
  const worker = new Worker(new URL("./pow-worker.js", import.meta.url), { type: "module" });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      if (event.data.progress) {
        if (onProgress) onProgress(event.data.progress);
        return;
      }
      worker.terminate();
      resolve(event.data.nonce);
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message || "the proof-of-work worker failed"));
    };
    worker.postMessage({ challenge, bits });
  });
}
