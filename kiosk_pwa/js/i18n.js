// Every word the kiosk shows comes from i18n/<lang>.json. Bahasa Indonesia is the default; the
// header switch flips to English and the choice is remembered on this device.

export const LANGUAGES = ["id", "en"];
const STORAGE_KEY = "sambung.kasir.lang";

let strings = {};
let current = "id";

export function currentLanguage() {
  return current;
}

export function savedLanguage() {
  const saved = localStorage.getItem(STORAGE_KEY);
  return LANGUAGES.includes(saved) ? saved : "id";
}

/**
 * Loads a language file (cached by the service worker, so this works offline) and applies it.
 * `remember: false` leaves the kiosk's saved choice alone (the shopper's receipt page).
 */
export async function setLanguage(lang, { remember = true } = {}) {
  const code = LANGUAGES.includes(lang) ? lang : "id";
  const response = await fetch(new URL(`../i18n/${code}.json`, import.meta.url));
  if (!response.ok) throw new Error(`language file ${code}: HTTP ${response.status}`);
  strings = await response.json();
  current = code;
  if (remember) localStorage.setItem(STORAGE_KEY, code);
  // Screen readers pick their voice from the lang attribute.
  document.documentElement.lang = code;
}

/** Whether a key exists, e.g. to prefer our own wording of a known server error code. */
export function hasKey(key) {
  return key in strings;
}

/** t("cart.total") or t("login.hello", {name: "Sari"}): "{name}" placeholders are filled in. */
export function t(key, params = {}) {
  const text = strings[key];
  if (text === undefined) {
    console.warn(`missing i18n key ${key} (${current})`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

// Every page that imports this module (directly or through api.js: the kiosk, the back-office
// pages, the receipt page) has the saved language's strings before its own code runs, so even an
// error message from api.js is never a bare key.
await setLanguage(savedLanguage(), { remember: false }).catch((err) => console.warn("strings not loaded", err));
