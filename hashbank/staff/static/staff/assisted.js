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
// The page's words, in its language (the view fills them in: staff/views/cases.py).
const M = JSON.parse($("assisted-messages").textContent);
const say = (key, values = {}) => M[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));

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
    progress.textContent = say("hashing", { name: file.name });
    try {
      const result = await hashFile(file);
      for (const hash of hashesOf(result)) {
        if (!hashes.some((h) => h.type === hash.type && h.value === hash.value)) {
          hashes.push(hash);
          addRow(file.name, hash);
        }
      }
      if (result.decodeError === "heic_unsupported") showError(say("heic", { name: file.name }));
    } catch (err) {
      showError(say("failed", { name: file.name, error: err.message }));
    } finally {
      busy -= 1;
    }
  }
  progress.textContent = busy ? progress.textContent : say(hashes.length === 1 ? "ready_one" : "ready_other", { n: hashes.length });
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  showError("");
  const attestations = {
    adult: $("att-adult").checked,
    depicted: $("att-depicted").checked,
    consent: $("att-consent").checked,
  };
  if (!attestations.adult || !attestations.depicted || !attestations.consent) return showError(say("confirm_all"));
  if (busy) return showError(say("busy"));
  if (!hashes.length) return showError(say("no_files"));
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
    if (!response.ok) return showError(body.error ? body.error.message : say("not_created"));
    form.hidden = true;
    $("result-number").textContent = body.number;
    $("result-pin").textContent = body.pin;
    $("result-link").href = body.url;
    $("assisted-result").hidden = false;
    $("result-heading").focus();
  } catch (err) {
    showError(say("not_created_because", { error: err.message }));
  } finally {
    button.disabled = false;
  }
});
