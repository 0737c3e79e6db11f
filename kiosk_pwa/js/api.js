// The PWA's only door to the server (the kiosk and every back-office page): same-origin /api calls
// and downloads with the device or session credential, `{"error": {"code", "message"}}` turned into
// ApiError, "auth-lost" when the server no longer knows the session or the device, and
// Idempotency-Keys that follow the person's intent rather than the HTTP request.
import { t } from "./i18n.js";

const DEVICE_KEY = "sambung.kasir.device"; // survives restarts: pairing is done once per tablet
const SESSION_KEY = "sambung.kasir.session"; // this tab only: a closed kiosk tab needs the PIN again
const TIMEOUT_MS = 20000;
const INTENT_RETRIES = 2;

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** No answer reached us: the request may or may not have been carried out. */
  get isNetwork() {
    return this.status === 0;
  }
}

/** "network" ({online}) after every call; "auth-lost" ({reason: "session"|"device"}) on a 401. */
export const apiEvents = new EventTarget();

function stored(storage, key) {
  return {
    get() {
      try {
        return JSON.parse(storage.getItem(key));
      } catch {
        return null;
      }
    },
    set(value) {
      storage.setItem(key, JSON.stringify(value));
    },
    clear() {
      storage.removeItem(key);
    },
  };
}

export const device = stored(localStorage, DEVICE_KEY);
export const session = stored(sessionStorage, SESSION_KEY);

// The tablet's clock may be off; QR countdowns use the server's clock (from the Date header).
let serverOffsetMs = 0;

export function serverNowSeconds() {
  return (Date.now() + serverOffsetMs) / 1000;
}

function noteServerClock(response) {
  const date = Date.parse(response.headers.get("Date") || "");
  if (!Number.isNaN(date)) serverOffsetMs = date + 500 - Date.now(); // Date has 1 s resolution
}

const DEVICE_LOST = new Set(["device_unknown", "device_revoked"]);

/** Sends one request; answers come back as they are, failures to reach the server as ApiError. */
async function send(method, path, { body, auth = "session", idempotencyKey, accept = "application/json", timeoutMs = TIMEOUT_MS }) {
  const headers = { Accept: accept };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const credential = auth === "session" ? session.get() : auth === "device" ? device.get() : null;
  if (auth === "session" && credential) headers.Authorization = `Bearer ${credential.token}`;
  if (auth === "device" && credential) headers.Authorization = `Device ${credential.device_token}`;
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetch(`/api${path}`, {
      method, headers, cache: "no-store", signal: controller.signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    apiEvents.dispatchEvent(new CustomEvent("network", { detail: { online: false } }));
    throw new ApiError(0, "network", t("error.network"));
  } finally {
    clearTimeout(timer);
  }
  apiEvents.dispatchEvent(new CustomEvent("network", { detail: { online: true } }));
  noteServerClock(response);
  return response;
}

/** The ApiError for an answer that is not OK; a 401 also says "auth-lost" (and forgets what it lost). */
async function failure(response, auth) {
  const payload = await response.json().catch(() => null);
  const error = payload && payload.error;
  const err = error && typeof error.code === "string"
    ? new ApiError(response.status, error.code, error.message || t("error.server"), error.details || {})
    : new ApiError(response.status, `http_${response.status}`, t("error.server"));
  if (response.status === 401 && DEVICE_LOST.has(err.code)) {
    device.clear();
    session.clear();
    apiEvents.dispatchEvent(new CustomEvent("auth-lost", { detail: { reason: "device", message: err.message } }));
  } else if (response.status === 401 && auth === "session") {
    session.clear();
    apiEvents.dispatchEvent(new CustomEvent("auth-lost", { detail: { reason: "session", message: err.message } }));
  }
  return err;
}

/**
 * One JSON call. `auth` is "session", "device" or "none"; `timeoutMs` for the few calls the server
 * needs longer for (a batch of labels rendered before it answers).
 */
export async function call(method, path, { body, auth = "session", idempotencyKey, timeoutMs } = {}) {
  const response = await send(method, path, { body, auth, idempotencyKey, timeoutMs });
  if (!response.ok) throw await failure(response, auth);
  return response.json().catch(() => null);
}

/**
 * A file from the API (PDF, CSV) as a File (a Blob with a name): the session travels in a header, so
 * a plain link cannot fetch it. Errors and an ended session are handled exactly as in `call`.
 */
export async function download(path, { accept = "*/*", filename = "download", auth = "session", timeoutMs } = {}) {
  const response = await send("GET", path, { auth, accept, timeoutMs });
  if (!response.ok) throw await failure(response, auth);
  let blob;
  try {
    blob = await response.blob();
  } catch {
    throw new ApiError(0, "network", t("error.network"));
  }
  const name = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") || "")?.[1] || filename;
  return new File([blob], name, { type: blob.type });
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One cashier intent (a tap of "Lanjut", "Coba lagi", "Terima tunai", ...) and its Idempotency-Key.
 *
 * The key lives until the server gives a definite answer: lost answers are retried with the same
 * key (automatically, then on the next tap), so the server sees one intent however often the
 * network drops. `busy` lets the screen refuse a second tap while the first is on its way.
 */
export class Intent {
  #key = null;
  busy = false;

  /** Whether an earlier tap's answer was lost: the next tap must repeat that request with the same key. */
  get unsettled() {
    return this.#key !== null;
  }

  /** Forget the key: the next tap is a new intent (e.g. the cart changed). */
  reset() {
    this.#key = null;
  }

  /**
   * `keepKeyOn(err)`: an answer that leaves the intent open although it is definite, such as a refund
   * waiting for a supervisor's PIN: the same request goes again under the same key once it is given.
   */
  async run(send, { keepKeyOn = () => false } = {}) {
    if (this.busy) return undefined;
    this.busy = true;
    this.#key ??= crypto.randomUUID();
    try {
      for (let attempt = 0; ; attempt += 1) {
        try {
          const result = await send(this.#key);
          this.#key = null;
          return result;
        } catch (err) {
          const unsettled = err instanceof ApiError && (err.isNetwork || err.code === "request_in_progress");
          if (!unsettled && !keepKeyOn(err)) this.#key = null;
          if (!unsettled || attempt >= INTENT_RETRIES) throw err;
          await wait(800 * (attempt + 1));
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

// ---- endpoints, in the shapes the server speaks ------------------------------------------------

export const pairDevice = (code, name) => call("POST", "/devices/pair", { auth: "none", body: { code, name, kind: "kiosk" } });
export const loginChoices = () => call("GET", "/auth/staff", { auth: "device" });
export const login = (staffId, pin) => call("POST", "/auth/login", { auth: "device", body: { staff_id: staffId, pin } });
export const logout = () => call("POST", "/auth/logout");
/** Store settings; before anyone signs in the paired device's own credential reads them. */
export const storeInfo = (auth = "session") => call("GET", "/store", { auth });

export const searchProducts = (q, limit = 24) =>
  call("GET", `/catalog/products?limit=${limit}${q ? `&q=${encodeURIComponent(q)}` : ""}`);
export const productByBarcode = (barcode) => call("GET", `/catalog/barcodes/${encodeURIComponent(barcode)}`);

export const lookupShopper = (phone) => call("GET", `/shoppers/lookup?phone=${encodeURIComponent(phone)}`);
export const registerShopper = (fields, key) => call("POST", "/shoppers", { body: fields, idempotencyKey: key });
export const getShopper = (shopperId) => call("GET", `/shoppers/${encodeURIComponent(shopperId)}`);
export const skipShopper = (key) => call("POST", "/shoppers/skip", { body: {}, idempotencyKey: key });

export const createSale = (body, key) => call("POST", "/sales", { body, idempotencyKey: key });
export const getSale = (orderId) => call("GET", `/sales/${orderId}`);
/**
 * The order's payment status. `poll`: the kiosk's background check, answered from our own state (the
 * server asks the gateway only when no notification came for a while); the cashier's "Cek Status
 * Pembayaran" leaves it out and the server asks the gateway at once.
 */
export const checkSaleStatus = (orderId, { poll = false } = {}) =>
  call("POST", `/sales/${orderId}/status${poll ? "?poll=1" : ""}`);
/** Sales still waiting for payment, newest first: `mine` this device's (with their live QR), else the store's. */
export const pendingSales = ({ mine = false } = {}) => call("GET", `/sales/pending${mine ? "?device=mine" : ""}`);
export const retrySale = (orderId, key) => call("POST", `/sales/${orderId}/retry`, { body: {}, idempotencyKey: key });
export const payCash = (orderId, amountReceived, key) =>
  call("POST", `/sales/${orderId}/cash`, { body: { amount_received: amountReceived }, idempotencyKey: key });
export const cancelSale = (orderId) => call("POST", `/sales/${orderId}/cancel`);
export const reprintReceipt = (orderId) => call("POST", `/sales/${orderId}/reprint`);
/** Send a failed receipt print or message of the sale again (`effectId` from the sale's activity). */
export const retrySaleActivity = (orderId, effectId) =>
  call("POST", `/sales/${orderId}/activity/retry`, { body: { effect_id: effectId } });

/**
 * Sales history: one page of the store's orders of `day` (store-local, default today), newest first.
 * `q` an order number, phone or name; `status`, `method` comma-separated codes; `cursor` the next page.
 */
export function salesHistory({ day, q, status, method, cursor, limit } = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ day, q, status, method, cursor, limit })) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const query = params.toString();
  return call("GET", `/sales${query ? `?${query}` : ""}`);
}
/** A refund of a completed sale: `lines` [{sku, quantity, restock}] (all of it when left out), `reason`,
 * `note`, `tender`, `transfer_ref`, and `approval` {staff_id, pin} when the server asks for one. */
export const refundSale = (orderId, body, key) => call("POST", `/sales/${orderId}/refunds`, { body, idempotencyKey: key });
/** A void: today's sale cancelled whole, its money back by the way it came (`reason`, `note`, `approval`). */
export const voidSale = (orderId, body, key) => call("POST", `/sales/${orderId}/void`, { body, idempotencyKey: key });
/** Another copy of a refund's (or void's) receipt, marked as a copy. */
export const reprintRefundReceipt = (orderId, refundId) =>
  call("POST", `/sales/${orderId}/refunds/${encodeURIComponent(refundId)}/reprint`);
/** "Cek status" of a refund the gateway has not settled yet (QRIS). */
export const checkRefundStatus = (orderId, refundId) =>
  call("POST", `/sales/${orderId}/refunds/${encodeURIComponent(refundId)}/status`);
/** Paid orders waiting for a person (paid late, or not the payment asked for), with the amount received. */
export const saleDecisions = () => call("GET", "/sales/decisions");

export const digitalReceipt = (token) => call("GET", `/receipts/${encodeURIComponent(token)}`, { auth: "none" });
export const receiptPdfUrl = (token) => `/api/receipts/${encodeURIComponent(token)}/pdf`;
