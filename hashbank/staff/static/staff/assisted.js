// Assisted submission: the same in-browser hasher the person's own page uses. The files stay on
// this device; only {type, value, quality} fingerprints are posted to the console.
import { hashFile, LOW_QUALITY } from "../hashbank/js/hasher.js";

const $ = (id) => document.getElementById(id);
const form = $("assisted-form");
const input = $("assisted-files");
const tbody = $("assisted-table").querySelector("tbody");
const progress = $("assisted-progress");
const errorBox = $("assisted-error");
const hashes = [];
let busy = 0;

function cell(row, text, code = false) {
  const td = document.createElement("td");
  if (code) {
    const c = document.createElement("code");
    c.className = "hash";
    c.textContent = text;
    td.append(c);
  } else {
    td.textContent = text;
  }
  row.append(td);
}

function addRow(name, hash) {
  const tr = document.createElement("tr");
  cell(tr, name);
  cell(tr, hash.type);
  cell(tr, hash.value, true);
  cell(tr, hash.quality === undefined ? "–" : String(hash.quality));
  tbody.append(tr);
}

function showError(text) {
  errorBox.textContent = text;
  errorBox.hidden = !text;
}

// What is sent for one file: its MD5 and the PDQ hashes reliable enough to publish.
function hashesOf(result) {
  const out = [{ type: "md5", value: result.md5 }];
  if (result.pdq && result.quality >= LOW_QUALITY) out.push({ type: "pdq", value: result.pdq, quality: result.quality });
  if (result.pdqOriented && result.qualityOriented >= LOW_QUALITY) {
    out.push({ type: "pdq", value: result.pdqOriented, quality: result.qualityOriented });
  }
  return out;
}

input.addEventListener("change", async () => {
  const files = Array.from(input.files);
  input.value = "";
  for (const file of files) {
    busy += 1;
    progress.textContent = `Hashing ${file.name}…`;
    try {
      const result = await hashFile(file);
      for (const hash of hashesOf(result)) {
        if (!hashes.some((h) => h.type === hash.type && h.value === hash.value)) {
          hashes.push(hash);
          addRow(file.name, hash);
        }
      }
      if (result.decodeError === "heic_unsupported") showError(`${file.name}: this browser cannot read HEIC images; only its MD5 was taken.`);
    } catch (err) {
      showError(`${file.name} could not be hashed: ${err.message}`);
    } finally {
      busy -= 1;
    }
  }
  progress.textContent = busy ? progress.textContent : `${hashes.length} fingerprints ready.`;
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  showError("");
  const attestations = {
    adult: $("att-adult").checked,
    depicted: $("att-depicted").checked,
    consent: $("att-consent").checked,
  };
  if (!attestations.adult || !attestations.depicted || !attestations.consent) return showError("The person must confirm all three statements.");
  if (busy) return showError("Wait until every file is hashed.");
  if (!hashes.length) return showError("Choose at least one file.");
  const button = $("assisted-submit");
  button.disabled = true;
  try {
    const response = await fetch(window.location.pathname, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
      body: JSON.stringify({ hashes, attestations }),
    });
    const body = await response.json();
    if (!response.ok) return showError(body.error ? body.error.message : "The case could not be created.");
    form.hidden = true;
    $("result-number").textContent = body.number;
    $("result-pin").textContent = body.pin;
    $("result-link").href = body.url;
    $("assisted-result").hidden = false;
    $("result-heading").focus();
  } catch (err) {
    showError(`The case could not be created: ${err.message}`);
  } finally {
    button.disabled = false;
  }
});
