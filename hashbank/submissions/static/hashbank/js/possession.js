// The possession check: the picked file's MD5 is computed on this device and sent with the
// caseworker's code; the file itself never leaves (its picker sits in no form). The page says
// only that it was sent: whether it matched is for the caseworker's console.
import { MD5 } from "./md5.js";

const CHUNK = 4 * 1024 * 1024;

async function md5OfFile(file) {
  const md5 = new MD5();
  for (let offset = 0; offset < file.size; offset += CHUNK) {
    md5.update(new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer()));
  }
  return md5.hex();
}

const box = document.getElementById("possession");
const result = document.getElementById("possession-result");
document.getElementById("possession-send").addEventListener("click", async () => {
  const file = document.getElementById("possession-file").files[0];
  const code = document.getElementById("possession-code").value.trim();
  if (!file || !code) {
    result.textContent = box.dataset.failed;
    return;
  }
  result.textContent = box.dataset.working;
  const md5 = await md5OfFile(file);
  let ok = false;
  try {
    const response = await fetch(box.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": box.querySelector("[name=csrfmiddlewaretoken]").value,
      },
      body: JSON.stringify({ code, md5s: [md5] }),
    });
    ok = response.ok;
  } catch (error) {
    ok = false;
  }
  result.textContent = ok ? box.dataset.sent : box.dataset.failed;
});
