// The status page's "Find a photo or video in this case": the picked file is fingerprinted
// (MD5) on this device and compared with each item's MD5 in the page; nothing is sent, and the
// file sits in no form. The matching item is marked and focused.
import { MD5 } from "./md5.js";

const CHUNK = 4 * 1024 * 1024;

async function md5OfFile(file) {
  const md5 = new MD5();
  for (let offset = 0; offset < file.size; offset += CHUNK) {
    md5.update(new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer()));
  }
  return md5.hex();
}

function start() {
  const box = document.getElementById("find-photo");
  if (!box) return;
  const input = document.getElementById("find-photo-input");
  const result = document.getElementById("find-photo-result");
  const words = box.dataset;
  box.hidden = false;
  input.addEventListener("change", async () => {
    const file = input.files[0];
    for (const row of document.querySelectorAll("tr.found")) row.classList.remove("found");
    if (!file) return;
    result.textContent = words.working;
    const md5 = await md5OfFile(file);
    input.value = "";
    const row = [...document.querySelectorAll("tr[data-item-id]")].find((tr) =>
      tr.dataset.md5.split(" ").includes(md5),
    );
    if (!row) {
      result.textContent = words.missing;
      return;
    }
    row.classList.add("found");
    result.textContent = words.found.replace("%(n)s", row.dataset.itemNumber);
    row.focus();
  });
}

start();
