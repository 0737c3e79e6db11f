// The kiosk's state and router. One screen shows at a time; each screen module exports
// mount(root, app, params) and returns a cleanup function. The sale in progress is kept in
// sessionStorage so a reload (or an idle lock) never loses an order that is being paid.
import * as api from "./api.js";
import { LANGUAGES, currentLanguage, hasKey, setLanguage, t } from "./i18n.js";
import { registerServiceWorker, setSafePoint } from "./pwa.js";
import * as cart from "./screens/cart.js";
import * as login from "./screens/login.js";
import * as pair from "./screens/pair.js";
import * as payment from "./screens/payment.js";
import * as result from "./screens/result.js";
import * as shopper from "./screens/shopper.js";

const SCREENS = { pair, login, shopper, cart, payment, result };
const SALE_KEY = "sambung.kasir.sale";
const LAST_STAFF_KEY = "sambung.kasir.last-staff";
const DEFAULT_IDLE_MINUTES = 5; // the server's default, used until the store's setting is known
const TOAST_MS = 3500;

const root = document.getElementById("screen");
let current = { name: null, params: {}, cleanup: null };
let lastActivity = Date.now();
let toastTimer = null;
let lastCallFailed = false;

function newSale() {
  return { shopper: null, shopperDecided: false, cart: [], order: null };
}

function loadSale() {
  try {
    return { ...newSale(), ...JSON.parse(sessionStorage.getItem(SALE_KEY)) };
  } catch {
    return newSale();
  }
}

export const app = {
  state: {
    store: null, // GET /api/store: names, timezone, idle_lock_minutes, loyalty rule
    sale: loadSale(), // {shopper, shopperDecided, cart: [{sku, name, price, barcode, qty}], order}
    saleIntent: new api.Intent(), // "Lanjut": one Idempotency-Key per cart content
  },

  go,

  saveSale() {
    sessionStorage.setItem(SALE_KEY, JSON.stringify(app.state.sale));
  },

  startNewSale() {
    app.state.sale = newSale();
    app.state.saleIntent.reset();
    app.saveSale();
    go("shopper");
  },

  /** Shows the screen an order belongs on, from the server's status (never from guesses). */
  showOrder(order) {
    app.state.sale.order = order;
    if (order.status === "CANCELLED") {
      app.state.sale.order = null;
      app.state.saleIntent.reset();
      app.saveSale();
      go("cart");
      toast(t("payment.cancelled", { orderNo: order.order_no }));
      return;
    }
    app.saveSale();
    go(order.status === "AWAITING_PAYMENT" ? "payment" : "result");
  },

  /** After a PIN sign-in: back to the sale in progress, or a new one. */
  async signedIn(staff) {
    localStorage.setItem(LAST_STAFF_KEY, staff.staff_id);
    lastActivity = Date.now();
    renderHeader();
    await loadStore("session");
    resumeSale();
  },

  lastStaffId() {
    return localStorage.getItem(LAST_STAFF_KEY);
  },

  lock,
  toast,
  loadStore,

  /** The server's message (Bahasa Indonesia, written to be shown), or our English for known codes. */
  errorText(err) {
    const key = `error.code.${err && err.code}`;
    return hasKey(key) ? t(key) : (err && err.message) || t("error.server");
  },

  timezone() {
    return (app.state.store && app.state.store.timezone) || "Asia/Jakarta";
  },
};

function resumeSale() {
  const sale = app.state.sale;
  if (sale.order) go(sale.order.status === "AWAITING_PAYMENT" ? "payment" : "result", { resume: true });
  else go(sale.shopperDecided ? "cart" : "shopper");
}

function go(name, params = {}) {
  if (current.cleanup) current.cleanup();
  hideToast(); // a note about the last screen must not cover the next one (least of all a QR)
  root.replaceChildren();
  document.body.dataset.screen = name;
  current = { name, params, cleanup: null };
  current.cleanup = SCREENS[name].mount(root, app, params) || null;
  renderHeader();
  // Screen readers start reading the new screen at its heading.
  const heading = root.querySelector("h2");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
  setSafePoint(name === "login" || name === "pair");
}

function hideToast() {
  clearTimeout(toastTimer);
  document.getElementById("toast").hidden = true;
}

function toast(message, kind = "info") {
  const el = document.getElementById("toast");
  el.textContent = message;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hideToast, TOAST_MS);
}

// ---- header, language, offline banner --------------------------------------------------------

function renderHeader() {
  const device = api.device.get();
  const signedIn = api.session.get();
  const store = app.state.store;
  document.getElementById("store-name").textContent =
    store ? `${store.merchant_name} · ${store.name}` : device ? device.store_name : "";
  document.getElementById("cashier-name").textContent = signedIn ? signedIn.staff.name : "";
  document.getElementById("lock-button").hidden = !signedIn;
  const next = LANGUAGES.find((lang) => lang !== currentLanguage());
  const langButton = document.getElementById("lang-button");
  langButton.textContent = next.toUpperCase();
  langButton.lang = next;
  langButton.setAttribute("aria-label", t("header.switchLanguage"));
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
}

async function switchLanguage() {
  const next = LANGUAGES.find((lang) => lang !== currentLanguage());
  try {
    await setLanguage(next);
  } catch {
    toast(t("error.network"), "error");
    return;
  }
  go(current.name, current.params);
}

function updateOfflineBanner() {
  const offline = !navigator.onLine || lastCallFailed;
  document.getElementById("offline-banner").hidden = !offline;
  document.body.classList.toggle("is-offline", offline);
}

// ---- sessions and the idle lock ----------------------------------------------------------------

async function loadStore(auth) {
  try {
    app.state.store = await api.storeInfo(auth);
    renderHeader();
  } catch {
    // Shown by the offline banner or the screens' own errors; the idle lock uses its default.
  }
}

/** Back to the PIN screen. The session ends on the server; the sale in progress is kept. */
function lock(reason = "manual") {
  if (!api.session.get()) return;
  api.logout().catch(() => {});
  api.session.clear();
  go("login", { locked: reason });
}

function idleMinutes() {
  return (app.state.store && app.state.store.idle_lock_minutes) || DEFAULT_IDLE_MINUTES;
}

function checkIdle() {
  // A QR on screen is being paid by the shopper: locking would hide it mid-payment.
  if (current.name === "payment") lastActivity = Date.now();
  if (api.session.get() && Date.now() - lastActivity >= idleMinutes() * 60000) lock("idle");
}

// ---- start ----------------------------------------------------------------------------------------

async function boot() {
  document.getElementById("lang-button").addEventListener("click", switchLanguage);
  document.getElementById("lock-button").addEventListener("click", () => lock("manual"));
  for (const type of ["pointerdown", "keydown"]) {
    document.addEventListener(type, () => { lastActivity = Date.now(); }, { capture: true, passive: true });
  }
  setInterval(checkIdle, 5000);
  window.addEventListener("online", updateOfflineBanner);
  window.addEventListener("offline", updateOfflineBanner);
  api.apiEvents.addEventListener("network", (event) => {
    lastCallFailed = !event.detail.online;
    updateOfflineBanner();
  });
  api.apiEvents.addEventListener("auth-lost", (event) => {
    if (event.detail.reason === "device") go("pair", { message: event.detail.message });
    else if (current.name !== "login") go("login", { message: event.detail.message });
  });
  updateOfflineBanner();
  registerServiceWorker().catch((err) => console.warn("service worker not registered", err));

  if (!api.device.get()) {
    go("pair");
    return;
  }
  const signedIn = api.session.get();
  if (signedIn && signedIn.expires_at > Date.now() / 1000) {
    await loadStore("session");
    if (api.session.get()) resumeSale();
    return;
  }
  api.session.clear();
  go("login");
  loadStore("device");
}

boot();
