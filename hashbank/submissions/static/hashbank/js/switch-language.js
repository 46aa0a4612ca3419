// Change the page's language without leaving it, so that what the page holds in memory (the
// chosen files, their fingerprints, the hashing worker) stays. The language switch's own form is
// posted as it would be without JavaScript (Django's set_language, CSRF token included), the
// redirect it answers with is followed to this same page in the new language, and that page's
// words are copied into this one: text, the attributes that carry words, <html lang> and the
// title. Nothing is stored on the device, and no script from the fetched page runs (it is parsed
// inert by DOMParser, and only text and attribute values are copied).
//
// The two pages come from the same template, so their trees have the same shape. Elements the
// script fills itself are left alone: those listed in `keep` (by id) and any it created (marked
// `data-client`); the caller re-renders them in the new language.

const WORDS = ["aria-label", "alt", "title", "placeholder", "href", "lang", "data-step-label"];
const OPAQUE = new Set(["SCRIPT", "NOSCRIPT", "TEMPLATE", "STYLE"]);

/**
 * Post the language form and fetch this page in the language it selects.
 * @param {HTMLFormElement} form  the language switch (action: set_language)
 * @returns {Promise<Document>}
 */
export async function fetchInLanguage(form) {
  const response = await fetch(form.action, {
    method: "POST",
    credentials: "same-origin",
    headers: { Accept: "text/html" },
    body: new URLSearchParams(new FormData(form)),
  });
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || !type.startsWith("text/html")) throw new Error(`language: ${response.status}`);
  if (new URL(response.url).pathname !== window.location.pathname) throw new Error("language: another page");
  return new DOMParser().parseFromString(await response.text(), "text/html");
}

function children(node, live) {
  return [...node.childNodes].filter((child) => {
    if (child.nodeType === Node.TEXT_NODE) return true;
    if (child.nodeType !== Node.ELEMENT_NODE) return false;
    return !(live && child.hasAttribute("data-client"));
  });
}

function sameKind(a, b) {
  return a.nodeType === b.nodeType && (a.nodeType === Node.TEXT_NODE || a.tagName === b.tagName);
}

// A translation may change the markup inside a sentence (a link moved, words emphasised): such
// an element gets the fresh children as they are, when nothing in it is the script's to hold.
function replaceable(live, fresh) {
  const held = "[id], [data-client], input, select, textarea, button, script, form";
  return !live.querySelector(held) && !fresh.querySelector(held);
}

// The changes that turn `live`'s words into `fresh`'s, or null when the trees differ in a way
// that copying words cannot mend. Nothing is changed until the whole page is known to fit.
function plan(live, fresh, keep, ops) {
  for (const name of WORDS) {
    const value = fresh.getAttribute(name);
    if (value !== null && live.getAttribute(name) !== value) ops.push(() => live.setAttribute(name, value));
  }
  if (OPAQUE.has(live.tagName) || (live.id && keep.has(live.id))) return ops;
  const a = children(live, true);
  const b = children(fresh, false);
  if (a.length !== b.length || a.some((node, i) => !sameKind(node, b[i]))) {
    if (!replaceable(live, fresh)) return null;
    ops.push(() => live.replaceChildren(...[...fresh.childNodes].map((node) => document.importNode(node, true))));
    return ops;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i].nodeType === Node.TEXT_NODE) {
      const [node, data] = [a[i], b[i].data];
      if (node.data !== data) ops.push(() => (node.data = data));
    } else if (!plan(a[i], b[i], keep, ops)) {
      return null;
    }
  }
  return ops;
}

/**
 * Copy the words of `fresh` (this page in another language) into the document.
 * @param {Document} fresh
 * @param {{keep?: Iterable<string>}} [options]  ids of elements whose content the script writes
 * @returns {boolean}  false (and nothing changed) when the pages do not have the same shape
 */
export function swapWords(fresh, { keep = [] } = {}) {
  const ops = plan(document.body, fresh.body, new Set(keep), []);
  if (!ops) return false;
  for (const op of ops) op();
  document.documentElement.lang = fresh.documentElement.lang;
  document.title = fresh.title;
  return true;
}
