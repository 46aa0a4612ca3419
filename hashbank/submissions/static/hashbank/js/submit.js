// The submission page: eligibility, files (hashed on this device), review and consent, result.
// Only fingerprints are sent (POST /api/v1/submissions); the files never leave the page, and
// their previews are object URLs that are revoked as soon as they are not shown.
import { hashFile, stopHashing, LOW_QUALITY } from "./hasher.js";
import { solveChallenge } from "./pow.js";
import { fetchInLanguage, swapWords } from "./switch-language.js";

const $ = (id) => document.getElementById(id);
// Both are replaced when the language changes (the language switch, below).
let messages = JSON.parse($("hb-messages").textContent);
const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
const t = (key, values = {}) => fill(messages[key] || key, values);
// Plurals: the page carries ngettext's forms ({one, other}); the page's language picks one.
let plurals = new Intl.PluralRules(document.documentElement.lang || "en");
const tn = (key, count, values = {}) => {
  const forms = messages[key] || {};
  return fill(forms[plurals.select(count)] || forms.other || key, { count, ...values });
};

const flow = $("flow");
const steps = ["step-eligibility", "step-files", "step-review", "step-result"];
const files = []; // {id, file, url, state, result, item}
let nextId = 1;

function show(stepId, { focus = true } = {}) {
  for (const id of steps) $(id).hidden = id !== stepId;
  const step = $(stepId);
  $("step-indicator").textContent = step.dataset.stepLabel;
  // Moving focus to the new step's heading tells screen-reader and keyboard users where they are.
  if (focus) step.querySelector("h2").focus();
}

function showError(element, text) {
  element.textContent = text;
  element.hidden = !text;
}

// Step 1: eligibility.
$("eligibility-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const adult = form.elements.adult.value;
  const depicted = form.elements.depicted.value;
  $("under-18").hidden = adult !== "no";
  $("not-depicted").hidden = !(adult === "yes" && depicted === "no");
  // Under 18 in any of the images: Take It Down, whatever the other answer.
  if (adult === "no") {
    showError($("eligibility-error"), "");
    return $("under-18").focus();
  }
  if (!adult || !depicted) {
    showError($("eligibility-error"), t("eligibility.answer"));
    return;
  }
  showError($("eligibility-error"), "");
  if (depicted === "no") return $("not-depicted").focus();
  $("consent-adult").checked = true;
  $("consent-depicted").checked = true;
  show("step-files");
});

// Step 2: files.
const input = $("file-input");
const dropzone = $("dropzone");
input.addEventListener("change", () => {
  addFiles(input.files);
  input.value = "";
});
dropzone.addEventListener("dragover", (event) => {
  event.preventDefault();
  dropzone.classList.add("dragging");
});
dropzone.addEventListener("dragleave", () => dropzone.classList.remove("dragging"));
dropzone.addEventListener("drop", (event) => {
  event.preventDefault();
  dropzone.classList.remove("dragging");
  addFiles(event.dataTransfer.files);
});
// A file dropped outside the drop zone must not make the browser navigate away and show it.
window.addEventListener("dragover", (event) => event.preventDefault());
window.addEventListener("drop", (event) => event.preventDefault());

function addFiles(list) {
  for (const file of list) {
    const entry = { id: nextId++, file, url: null, state: "waiting", result: null };
    entry.item = renderFile(entry);
    $("file-list").append(entry.item);
    $("files-blurred").hidden = false;
    files.push(entry);
  }
  showError($("files-error"), "");
  updateCount();
  pump();
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key in node && key !== "list") node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

// Previews are blurred until tapped: someone may be looking over the person's shoulder, and
// seeing the images again can hurt. The button toggles; its state is read out (aria-pressed).
function blurred(media, name) {
  const toggle = el("button", { type: "button", class: "preview-toggle" }, media);
  toggle.setAttribute("aria-pressed", "false");
  toggle.setAttribute("aria-label", t("file.reveal", { name }));
  toggle.addEventListener("click", () => {
    const shown = toggle.getAttribute("aria-pressed") !== "true";
    toggle.setAttribute("aria-pressed", String(shown));
  });
  return toggle;
}

// The file's item in the list, in the page's language. Rendered again, from the same object
// URL, when the language changes.
function renderFile(entry) {
  const { file } = entry;
  const isImage = file.type.startsWith("image/") || /\.(heic|heif)$/i.test(file.name);
  let preview;
  if (isImage) {
    entry.url ||= URL.createObjectURL(file);
    const img = el("img", { src: entry.url, alt: t("file.preview", { name: file.name }), class: "preview" });
    preview = blurred(img, file.name);
    // HEIC and damaged images: the browser cannot show them, so there is nothing to blur.
    img.addEventListener("error", () => preview.replaceWith(el("span", { class: "preview preview-none" })));
  } else if (file.type.startsWith("video/")) {
    // The first frame, decoded locally from an object URL; nothing is played or sent.
    entry.url ||= URL.createObjectURL(file);
    const video = el("video", { src: entry.url, muted: true, preload: "metadata", class: "preview" });
    video.setAttribute("aria-label", t("file.preview", { name: file.name }));
    preview = blurred(video, file.name);
  } else {
    preview = el("span", { class: "preview preview-none", role: "img", "aria-label": t("file.nopreview") });
  }
  const progressId = `progress-${entry.id}`;
  const label = el("span", { class: "file-state", id: `${progressId}-label` }, t("file.waiting"));
  const progress = el("progress", { id: progressId, max: 100, value: 0 });
  progress.setAttribute("aria-labelledby", `${progressId}-name ${progressId}-label`);
  const remove = el("button", { type: "button", class: "button-small file-remove" }, "×");
  remove.setAttribute("aria-label", t("file.remove", { name: file.name }));
  remove.addEventListener("click", () => removeFile(entry));
  const notes = el("p", { class: "file-notes" });
  const item = el(
    "li",
    { class: "file" },
    preview,
    el("div", { class: "file-body" }, el("span", { class: "file-name", id: `${progressId}-name` }, file.name), progress, label, notes),
    remove,
  );
  entry.progress = progress;
  entry.label = label;
  entry.notes = notes;
  return item;
}

function removeFile(entry) {
  const index = files.indexOf(entry);
  if (index < 0) return;
  files.splice(index, 1);
  if (entry.url) URL.revokeObjectURL(entry.url);
  const next = entry.item.nextElementSibling || entry.item.previousElementSibling;
  entry.item.remove();
  entry.removed = true;
  updateCount();
  (next ? next.querySelector(".file-remove") : input.nextElementSibling).focus();
}

function updateCount() {
  const done = files.filter((entry) => entry.state === "done" || entry.state === "failed").length;
  $("files-status").textContent = files.length ? tn("files.count", files.length, { done }) : "";
  if (!files.length) $("files-blurred").hidden = true;
}

let busy = false;
async function pump() {
  if (busy) return;
  const entry = files.find((candidate) => candidate.state === "waiting");
  if (!entry) return;
  busy = true;
  entry.state = "hashing";
  try {
    entry.result = await hashFile(entry.file, { onProgress: (p) => progress(entry, p) });
    entry.state = "done";
  } catch (error) {
    entry.state = "failed";
  }
  busy = false;
  if (!entry.removed) finishFile(entry);
  updateCount();
  pump();
}

function progress(entry, { phase, done, total }) {
  // Decoding and PDQ take the first half for images, the MD5 pass the rest (all of it otherwise).
  const fraction = total ? done / total : 0;
  const isImage = entry.file.type.startsWith("image/") || /\.(heic|heif)$/i.test(entry.file.name);
  let value = fraction * 100;
  if (isImage) value = phase === "md5" ? 50 + fraction * 50 : phase === "pdq" ? 25 + fraction * 25 : fraction * 25;
  // 100 only once the result is in (finishFile), so a full bar always means "ready".
  entry.progress.value = Math.max(entry.progress.value, Math.min(99, value));
  entry.label.textContent = t(phase === "decode" ? "file.decoding" : "file.hashing");
}

// A full success has a similarity fingerprint (PDQ) that will be sent; a file that gets only its
// MD5 (not an image, damaged, unsupported, too little detail) is "partial", and says why.
function fullySent(r) {
  return hashesOf(r).some((hash) => hash.type === "pdq");
}

function looksLikeMedia(entry) {
  const { file, result } = entry;
  return result.kind !== "other" || /^(image|video)\//.test(file.type);
}

function finishFile(entry) {
  const r = entry.result;
  entry.progress.value = 100;
  const state = entry.state === "done" ? (fullySent(r) ? "done" : "partial") : "failed";
  entry.item.dataset.state = state;
  entry.label.textContent = t({ done: "file.done", partial: "file.partial", failed: "file.failed" }[state]);
  if (r && !looksLikeMedia(entry)) {
    entry.item.dataset.kind = "not-media";
    const remove = el("button", { type: "button", class: "button-small button-secondary" }, t("file.removeThis"));
    remove.addEventListener("click", () => removeFile(entry));
    entry.notes.replaceChildren(t("file.notMedia"), " ", remove);
    return;
  }
  const notes = [];
  if (r && r.decodeError) notes.push(t(r.decodeError === "heic_unsupported" ? "file.heic" : "file.undecodable"));
  const low = (q) => q !== undefined && q < LOW_QUALITY;
  // A 16-bit grey PNG whose clipped PDQ is reliable still sends a similarity fingerprint.
  const clippedSent = r && r.pdqClipped && !low(r.qualityClipped);
  if (r && r.pdq && !clippedSent && (low(r.quality) || (r.pdqOriented && low(r.qualityOriented)))) {
    notes.push(t("file.lowQuality"));
  }
  if (r && r.pdqOriented) notes.push(t("file.rotated"));
  if (r && !r.pdq && !r.decodeError) notes.push(t("file.md5only"));
  entry.notes.textContent = notes.join(" ");
}

/** What is sent for one file: its MD5, and PDQ hashes reliable enough to publish. */
function hashesOf(result) {
  const out = [{ type: "md5", value: result.md5, label: "review.md5" }];
  if (result.pdq && result.quality >= LOW_QUALITY) {
    out.push({ type: "pdq", value: result.pdq, quality: result.quality, label: "review.pdq" });
  }
  if (result.pdqOriented && result.qualityOriented >= LOW_QUALITY) {
    out.push({ type: "pdq", value: result.pdqOriented, quality: result.qualityOriented, label: "review.pdqOriented" });
  }
  // 16-bit grey: the PDQ members running stock HMA compute. It is the same picture to the person.
  if (result.pdqClipped && result.qualityClipped >= LOW_QUALITY && result.pdqClipped !== result.pdq) {
    out.push({ type: "pdq", value: result.pdqClipped, quality: result.qualityClipped, label: "review.pdq" });
  }
  return out;
}

$("files-back").addEventListener("click", () => show("step-eligibility"));
$("files-next").addEventListener("click", () => {
  if (!files.length) return showError($("files-error"), t("files.none"));
  const left = files.filter((entry) => entry.state === "waiting" || entry.state === "hashing").length;
  if (left) return showError($("files-error"), tn("files.busy", left));
  showError($("files-error"), "");
  renderReview();
  show("step-review");
});

// Step 3: review and consent.
// Each hash carries its file's position (`file`), never its name: the case groups the MD5 and
// PDQs of one photo into one item.
function collect() {
  const seen = new Set();
  const all = [];
  let position = 0;
  for (const entry of files) {
    if (entry.state !== "done") continue;
    const file = position++;
    for (const hash of hashesOf(entry.result)) {
      const key = `${hash.type}:${hash.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      all.push({ ...hash, file, name: entry.file.name });
    }
  }
  return all;
}

function renderReview() {
  const list = $("review-list");
  list.replaceChildren();
  const all = collect();
  for (const hash of all) {
    list.append(el("li", {}, el("span", { class: "file-name" }, hash.name), ": ", t(hash.label), " ", el("code", { class: "hash" }, hash.value)));
  }
  $("review-total").textContent = tn("review.total", all.length);
}

$("review-back").addEventListener("click", () => show("step-files"));
$("consent-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const attestations = {
    adult: form.elements.adult.checked,
    depicted: form.elements.depicted.checked,
    consent: form.elements.consent.checked,
  };
  if (!attestations.adult || !attestations.depicted || !attestations.consent) {
    return showError($("submit-error"), t("error.attestation_required"));
  }
  const hashes = collect().map(({ type, value, quality, file }) => (quality === undefined ? { type, value, file } : { type, value, quality, file }));
  if (!hashes.length) return showError($("submit-error"), t("error.no_hashes"));
  const send = $("send");
  send.disabled = true;
  showError($("submit-error"), t("sending"));
  let response;
  let body = null;
  let proof;
  try {
    // Past a few cases a day from one device the API asks for a proof of work (pow_required,
    // or pow_expired with a fresh challenge): solved here, on this device, then sent again.
    for (let attempt = 0; attempt < 3; attempt++) {
      response = await fetch(flow.dataset.api, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": flow.querySelector("[name=csrfmiddlewaretoken]").value,
        },
        body: JSON.stringify(proof ? { hashes, attestations, proof } : { hashes, attestations }),
      });
      body = await response.json().catch(() => null);
      const error = body && body.error;
      if (!error || !["pow_required", "pow_expired"].includes(error.code) || !error.detail) break;
      const { challenge, bits } = error.detail;
      showError($("submit-error"), "");
      showError($("pow-status"), t("pow.starting"));
      const nonce = await solveChallenge(challenge, bits, {
        onProgress: ({ secondsLeft }) => showError($("pow-status"), t("pow.working", { seconds: secondsLeft })),
      });
      proof = { challenge, nonce };
      showError($("pow-status"), "");
      showError($("submit-error"), t("sending"));
    }
  } catch (error) {
    send.disabled = false;
    showError($("pow-status"), "");
    return showError($("submit-error"), t("error.network"));
  }
  send.disabled = false;
  if (!response.ok) {
    const code = body && body.error ? body.error.code : "other";
    const text = messages[`error.${code}`] || t("error.other");
    return showError($("submit-error"), [text, waitText(response.headers.get("Retry-After"))].join(" ").trim());
  }
  showError($("submit-error"), "");
  showResult(body);
});

// Retry-After (seconds, or an HTTP date) in words: every wait says how long.
function waitText(header) {
  if (!header) return "";
  let seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  if (!Number.isFinite(seconds)) return "";
  seconds = Math.max(1, Math.ceil(seconds));
  if (seconds < 90) return tn("wait.seconds", seconds);
  if (seconds < 90 * 60) return tn("wait.minutes", Math.ceil(seconds / 60));
  return tn("wait.hours", Math.ceil(seconds / 3600));
}

// The language switch changes the language in place (switch-language.js): the chosen files and
// their fingerprints are only in this page's memory, on purpose, and a reload would lose them.
// Without JavaScript the switch's form reloads the page, as on every other page.
const languageForm = document.querySelector("form.language");
// What the script writes itself: left alone by swapWords, rendered again by renderInLanguage.
const LIVE = ["step-indicator", "files-status", "file-list", "review-list", "review-total", "result-number", "result-pin", "copy-status"];
const ERRORS = ["eligibility-error", "files-error", "submit-error", "pow-status", "saved-error"];

function renderInLanguage() {
  for (const entry of files) {
    const old = entry.item;
    const value = old.querySelector("progress").value;
    const focused = old.contains(document.activeElement) && document.activeElement.classList.contains("file-remove");
    entry.item = renderFile(entry);
    old.replaceWith(entry.item);
    entry.progress.value = value;
    if (entry.state === "hashing") entry.label.textContent = t("file.hashing");
    if ((entry.state === "done" || entry.state === "failed") && !entry.removed) finishFile(entry);
    if (focused) entry.item.querySelector(".file-remove").focus();
  }
  updateCount();
  if (!$("step-review").hidden) renderReview();
  const current = steps.find((id) => !$(id).hidden);
  if (current) $("step-indicator").textContent = $(current).dataset.stepLabel;
  // An error on screen belonged to the old language; the next action shows it again if it holds.
  for (const id of ERRORS) showError($(id), "");
  $("copy-status").textContent = "";
}

if (languageForm) {
  const note = el("p", { id: "language-note", class: "notice language-note", hidden: true });
  note.setAttribute("role", "alert");
  note.setAttribute("data-client", "");
  languageForm.after(note);
  const button = languageForm.querySelector("button[type=submit]");
  languageForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    note.hidden = true;
    try {
      const fresh = await fetchInLanguage(languageForm);
      const freshMessages = JSON.parse(fresh.getElementById("hb-messages").textContent);
      if (!swapWords(fresh, { keep: [...LIVE, ...ERRORS] })) throw new Error("language: the page differs");
      messages = freshMessages;
      plurals = new Intl.PluralRules(document.documentElement.lang || "en");
      renderInLanguage();
    } catch (error) {
      // With nothing to lose, change the language as without JavaScript; else keep the files.
      if (!files.length && $("step-result").hidden) {
        languageForm.submit();
        return;
      }
      note.textContent = t("language.failed");
      note.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
}

// Step 4: the case number and PIN, shown once. Until the person says they saved them, leaving
// (reload, close, a link) asks first; the quick exit never asks (it marks the page as leaving).
function warnBeforeLeaving(event) {
  if (document.documentElement.dataset.quickExit) return;
  event.preventDefault();
  event.returnValue = "";
}

function showResult({ case_number: number, pin }) {
  for (const entry of files.splice(0)) if (entry.url) URL.revokeObjectURL(entry.url);
  $("file-list").replaceChildren();
  $("review-list").replaceChildren();
  stopHashing();
  $("result-number").textContent = number;
  $("result-pin").textContent = pin;
  // Read at each click: the language may change while the result is shown.
  const text = () => t("result.file", { number, pin, address: $("result-address").textContent.trim() });
  window.addEventListener("beforeunload", warnBeforeLeaving);
  $("copy").onclick = async () => {
    try {
      await navigator.clipboard.writeText(text());
      $("copy-status").textContent = t("result.copied");
    } catch (error) {
      $("copy-status").textContent = t("result.copy_failed");
    }
  };
  $("saved-form").onsubmit = (event) => {
    event.preventDefault();
    if (!$("saved-confirm").checked) return showError($("saved-error"), t("result.confirm"));
    showError($("saved-error"), "");
    window.removeEventListener("beforeunload", warnBeforeLeaving);
    $("saved-form").hidden = true;
    $("saved-done").hidden = false;
    $("saved-done").focus();
  };
  $("save-file").onclick = () => {
    const url = URL.createObjectURL(new Blob([text()], { type: "text/plain" }));
    const link = el("a", { href: url, download: t("result.filename") });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  show("step-result");
}
$("print").addEventListener("click", () => window.print());

window.addEventListener("pagehide", () => stopHashing());
flow.hidden = false;
show("step-eligibility", { focus: false });
