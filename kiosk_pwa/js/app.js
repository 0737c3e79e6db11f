// The kiosk's state and router. One screen shows at a time; each screen module exports
// mount(root, app, params) and returns a cleanup function. The server is the truth about sales
// waiting for payment: when the kiosk opens, reloads or a cashier signs in, it asks for this
// device's (GET /sales/pending?device=mine) and resumes the one it finds (its QR, countdown and
// status), or lets the cashier pick when there are several. The sale in progress is also kept in
// sessionStorage: its cart and shopper, and the fallback when the server cannot be asked.
import * as api from "./api.js";
import { LANGUAGES, currentLanguage, hasKey, setLanguage, t } from "./i18n.js";
import { registerServiceWorker, setSafePoint } from "./pwa.js";
import * as cart from "./screens/cart.js";
import * as history from "./screens/history.js";
import * as login from "./screens/login.js";
import * as pair from "./screens/pair.js";
import * as payment from "./screens/payment.js";
import * as pending from "./screens/pending.js";
import * as refund from "./screens/refund.js";
import * as result from "./screens/result.js";
import * as sale from "./screens/sale.js";
import * as shopper from "./screens/shopper.js";

// history -> sale -> refund: the sales history, one sale, and its refund or void.
const SCREENS = { pair, login, shopper, cart, payment, result, pending, history, sale, refund };
const SALE_KEY = "sambung.kasir.sale";
const LAST_STAFF_KEY = "sambung.kasir.last-staff";
const DEFAULT_IDLE_MINUTES = 5; // the server's default, used until the store's setting is known
const TOAST_MS = 3500;
const QRIS_PAID_DURING_CASH = "qris_paid_during_cash"; // our own notice: the poll found the QR paid on the cash screen

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
    saleIntent: new api.Intent(), // "Bayar QRIS" / "Bayar Tunai": one Idempotency-Key per cart content
    saleMethod: null, // the tender that key was last sent with (a lost answer is repeated as sent)
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
    go(screenFor(order));
  },

  /**
   * Takes up a sale the server says is waiting for payment (after a reload, a closed tab, another
   * sign-in): its payment screen while its QR is live (or a cash sale, which has none), else the
   * result screen's "Coba lagi" / "Batal". A sale other than the one this tab knows brings its own
   * cart (from the order's lines) and shopper.
   */
  async resumeOrder(order) {
    if (!app.state.sale.order || app.state.sale.order.order_id !== order.order_id) {
      const sale = newSale();
      sale.cart = order.items.map((line) => ({
        sku: line.sku, name: line.name, price: line.unit_price, barcode: line.barcode, qty: line.qty,
      }));
      sale.shopperDecided = true;
      if (order.shopper_id) sale.shopper = await shopperFor(order.shopper_id);
      app.state.sale = sale;
      app.state.saleIntent.reset();
    }
    if (order.status !== "AWAITING_PAYMENT") {
      app.showOrder(order);
      return;
    }
    app.state.sale.order = order;
    app.saveSale();
    go(screenFor(order), { resume: true });
  },

  /** Whether the order's QR can still be paid (by the server's clock). */
  qrLive(order) {
    return Boolean(order.qr_string) && (!order.expires_at || order.expires_at > api.serverNowSeconds());
  },

  /** After a PIN sign-in: back to the sale in progress, or a new one. */
  async signedIn(staff) {
    localStorage.setItem(LAST_STAFF_KEY, staff.staff_id);
    lastActivity = Date.now();
    renderHeader();
    await Promise.all([loadStore("session"), resumeSale()]);
  },

  QRIS_PAID_DURING_CASH,

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

  /** What a notice on an order says (a QR paid while cash was taken, or Batal tapped): as errorText. */
  noticeText(notice) {
    if (notice.code === QRIS_PAID_DURING_CASH) return t("result.qrisPaidDuringCash");
    return app.errorText(notice);
  },

  timezone() {
    return (app.state.store && app.state.store.timezone) || "Asia/Jakarta";
  },
};

/** The screen an order belongs on: payment while it can be paid there, else the result screen. */
function screenFor(order) {
  if (order.status !== "AWAITING_PAYMENT") return "result";
  // A cash sale has no QR (attempt 0); a QR sale whose QR is no longer live gets "Coba lagi" / "Batal".
  return !order.attempt || app.qrLive(order) ? "payment" : "result";
}

async function shopperFor(shopperId) {
  try {
    return await api.getShopper(shopperId);
  } catch {
    return { shopper_id: shopperId, name: t("pending.shopperLinked"), points_balance: 0 };
  }
}

/** What this tab itself remembers (sessionStorage): used when the server cannot be asked. */
function resumeLocal() {
  const sale = app.state.sale;
  if (sale.order) go(screenFor(sale.order), { resume: true });
  else go(sale.shopperDecided ? "cart" : "shopper");
}

/** After opening, a reload or a sign-in: the server says which of this device's sales still wait. */
async function resumeSale() {
  let waiting;
  try {
    waiting = (await api.pendingSales({ mine: true })).orders;
  } catch {
    if (api.session.get()) resumeLocal(); // offline or refused: this tab's own copy
    return;
  }
  if (!api.session.get()) return; // signed out meanwhile ("auth-lost" has shown the PIN screen)
  const known = app.state.sale.order;
  if (waiting.length === 1) {
    await app.resumeOrder(waiting[0]);
  } else if (waiting.length > 1) {
    go("pending", { scope: "mine", orders: waiting });
  } else if (known && known.status === "AWAITING_PAYMENT") {
    // No longer waiting: paid, failed, expired or cancelled while nobody was looking.
    try {
      app.showOrder(await api.getSale(known.order_id));
    } catch {
      resumeLocal();
    }
  } else {
    resumeLocal();
  }
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
    await Promise.all([loadStore("session"), resumeSale()]);
    return;
  }
  api.session.clear();
  go("login");
  loadStore("device");
}

boot();
