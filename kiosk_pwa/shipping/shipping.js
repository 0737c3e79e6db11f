// Back-office shipping pages: shipments with status, AWB and label filters; AWB scan-in; label printing.
// Sign-in reuses the kiosk's credentials (js/api.js): the paired device in localStorage and the PIN
// session in sessionStorage, under the same keys and in the same shape, so one sign-in serves both.
import { h, replace } from "../js/dom.js";
import { displayPhone, formatRupiah, formatWib } from "../js/format.js";

const DEVICE_KEY = "sambung.kasir.device";
const SESSION_KEY = "sambung.kasir.session";
const TIMEOUT_MS = 30000; // a batch of labels renders on the server before it answers
const SHIPPING_ROLES = new Set(["cs", "warehouse", "admin"]);
const BOOKING_ROLES = new Set(["cs", "admin"]); // retrying a booking or going manual

const $ = (id) => document.getElementById(id);

// ---- the server ------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function stored(storage, key) {
  try {
    return JSON.parse(storage.getItem(key));
  } catch {
    return null;
  }
}

const device = () => stored(localStorage, DEVICE_KEY);
const session = () => stored(sessionStorage, SESSION_KEY);

/** One call to /api. `auth`: "session" (a signed-in person) or "device" (the paired tablet itself). */
async function call(method, path, { body, auth = "session", idempotencyKey } = {}) {
  const headers = { Accept: "application/json" };
  const credential = auth === "session" ? session() : device();
  if (auth === "session" && credential) headers.Authorization = `Bearer ${credential.token}`;
  if (auth === "device" && credential) headers.Authorization = `Device ${credential.device_token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(`/api${path}`, {
      method, headers, cache: "no-store", signal: controller.signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "Tidak ada jawaban dari server. Periksa koneksi lalu coba lagi.");
  } finally {
    clearTimeout(timer);
  }
  const payload = await response.json().catch(() => null);
  if (response.ok) return payload;
  const error = (payload && payload.error) || {};
  const err = new ApiError(response.status, error.code || `http_${response.status}`,
    error.message || "Terjadi kesalahan di server. Coba lagi.", error.details || {});
  if (response.status === 401 && auth === "session") {
    sessionStorage.removeItem(SESSION_KEY);
    showSignin(err.message);
  }
  throw err;
}

let toastTimer;
function toast(text) {
  const el = $("toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 4000);
}

// ---- sign-in ---------------------------------------------------------------------------------

async function showSignin(note) {
  $("app").hidden = true;
  $("logout").hidden = true;
  $("who").textContent = "";
  $("signin").hidden = false;
  const form = $("signin-form");
  if (!device()) {
    form.hidden = true;
    replace($("signin-note"), "Perangkat ini belum dipasangkan. Pasangkan dulu di ",
      h("a", { href: "../index.html" }, "aplikasi kasir"), ", lalu buka lagi halaman ini.");
    return;
  }
  form.hidden = false;
  $("signin-note").textContent = note || "Pilih nama Anda lalu masukkan PIN.";
  try {
    const { staff } = await call("GET", "/auth/staff", { auth: "device" });
    replace($("signin-staff"), staff.filter((s) => SHIPPING_ROLES.has(s.role))
      .map((s) => h("option", { value: s.staff_id }, s.name)));
  } catch (err) {
    $("signin-error").textContent = err.message;
  }
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("signin-error").textContent = "";
  try {
    const signedIn = await call("POST", "/auth/login", {
      auth: "device", body: { staff_id: $("signin-staff").value, pin: $("signin-pin").value },
    });
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(signedIn));
    $("signin-pin").value = "";
    await start();
  } catch (err) {
    $("signin-pin").value = "";
    $("signin-error").textContent = err.message;
  }
});

$("logout").addEventListener("click", async () => {
  try {
    await call("POST", "/auth/logout");
  } catch {
    // Signing out locally is what matters; the session also ends on its own.
  }
  sessionStorage.removeItem(SESSION_KEY);
  showSignin();
});

// ---- shipments -------------------------------------------------------------------------------

const state = { cursor: null, timezone: "Asia/Jakarta", role: null, unprinted: 0 };

const STATUS_TONE = {
  requested: "warn", delivered: "", cancelled: "bad", rejected: "bad", courier_not_found: "bad", disposed: "bad",
  returned: "bad", return_in_transit: "bad", on_hold: "warn",
};

function listQuery() {
  const params = new URLSearchParams();
  const status = $("f-status").value;
  if (status === "error") params.set("booking", "error");
  else if (status) params.set("status", status);
  if ($("f-awb").value) params.set("awb", $("f-awb").value);
  if ($("f-label").value) params.set("label", $("f-label").value);
  const q = $("f-q").value.trim();
  if (q) params.set("q", q);
  if (state.cursor) params.set("cursor", state.cursor);
  return params.toString();
}

async function loadShipments({ more = false } = {}) {
  if (!more) state.cursor = null;
  $("list-error").textContent = "";
  try {
    const data = await call("GET", `/shipping/shipments?${listQuery()}`);
    const items = data.shipments.map(shipmentItem);
    if (more) $("shipments").append(...items);
    else replace($("shipments"), items.length ? items : h("li", { class: "muted" }, "Tidak ada kiriman yang cocok."));
    state.cursor = data.next_cursor;
    $("more").hidden = !data.next_cursor;
    setUnprinted(data.unprinted);
  } catch (err) {
    $("list-error").textContent = err.message;
  }
}

function setUnprinted(count) {
  state.unprinted = count;
  $("unprinted-badge").hidden = count === 0;
  $("unprinted-badge").textContent = String(count);
  $("labels-count").textContent = count === 0 ? "Semua label sudah dicetak."
    : `${count} label belum dicetak (termasuk yang perlu dicetak ulang).`;
}

function labelTag(label) {
  if (label.queued && label.reprint_reason) return h("span", { class: "tag warn" }, "Perlu cetak ulang");
  if (label.queued) return h("span", { class: "tag warn" }, "Label belum dicetak");
  if (label.printed) return h("span", { class: "tag" }, `Label dicetak ${label.print_count}x`);
  return h("span", { class: "tag info" }, "Tanpa label");
}

const BOOKING_NOTE = {
  retrying: "Sistem mencoba lagi otomatis. Setelah masalahnya diatasi, tekan Coba lagi agar langsung diproses.",
  parked: "Percobaan otomatis sudah berhenti. Atasi masalahnya, lalu tekan Coba lagi.",
  pending: "Sedang diproses.",
};

function problemBox(s) {
  const fixes = {};
  const fields = [];
  if (s.error.code === "recipient_postal_code_missing") {
    fields.push(h("label", {}, "Kode pos penerima",
      fixes.postal_code = h("input", { inputmode: "numeric", maxlength: "5", pattern: "\\d{5}" })));
  }
  if (["courier_choice_missing", "courier_service_unavailable", "invalid_courier"].includes(s.error.code)) {
    fields.push(h("label", {}, "Kode kurir", fixes.courier_company = h("input", { value: s.courier.company || "",
      placeholder: "jne" })));
    fields.push(h("label", {}, "Kode layanan", fixes.courier_type = h("input", { value: s.courier.type || "",
      placeholder: "reg" })));
  }
  const canAct = BOOKING_ROLES.has(state.role);
  const retry = h("button", { type: "button", class: "btn btn-danger btn-small", hidden: !canAct }, "Coba lagi");
  const manual = h("button", { type: "button", class: "btn btn-link btn-small", hidden: !canAct },
    "Pesan kurir sendiri (isi resi manual)");
  const box = h("div", { class: "problem", role: "alert" },
    h("strong", {}, s.error.message),
    h("span", {}, BOOKING_NOTE[s.booking] || ""),
    h("div", { class: "fix" }, fields, retry, manual));
  retry.addEventListener("click", () => act(retry, s, async () => {
    const body = {};
    for (const [name, input] of Object.entries(fixes)) if (input.value.trim()) body[name] = input.value.trim();
    const view = await call("POST", `/shipping/shipments/${s.shipment_id}/retry`, { body });
    toast(view.booking === "booked" ? `Kiriman ${view.order_no} sudah dipesan ke kurir.` : view.error?.message || "Belum berhasil.");
    return view;
  }));
  manual.addEventListener("click", () => act(manual, s, async () => {
    const view = await call("POST", `/shipping/shipments/${s.shipment_id}/manual`);
    toast(`Kiriman ${view.order_no} jadi manual: pesan kurirnya sendiri, lalu scan resinya.`);
    return view;
  }));
  return box;
}

/** Run a button's action once at a time, then redraw the shipment from the server's answer. */
async function act(button, s, run) {
  if (button.disabled) return;
  button.disabled = true;
  try {
    const view = await run();
    document.querySelector(`[data-shipment="${s.shipment_id}"]`)?.replaceWith(shipmentItem(view));
  } catch (err) {
    toast(err.message);
  } finally {
    button.disabled = false;
  }
}

function shipmentItem(s) {
  const tone = STATUS_TONE[s.status] ?? "";
  const reprint = h("button", { type: "button", class: "btn btn-secondary btn-small" },
    s.label.printed ? "Cetak ulang label" : "Cetak label ini");
  reprint.addEventListener("click", () => act(reprint, s, async () => {
    const size = $("label-size").value;
    const result = await call("POST", `/shipping/shipments/${s.shipment_id}/label/reprint`, {
      body: size ? { size } : {}, idempotencyKey: crypto.randomUUID(),
    });
    toast(`Label ${s.order_no} dikirim ke printer.`);
    return result.shipment;
  }));
  return h("li", { class: "shipment", dataset: { shipment: s.shipment_id } },
    h("div", {},
      h("div", { class: "head" },
        h("span", { class: "order" }, s.order_no),
        h("span", { class: `tag ${tone}` }, s.status_label),
        s.mode === "manual" ? h("span", { class: "tag info" }, "Manual") : null,
        s.test_mode ? h("span", { class: "tag warn" }, "Mode uji") : null),
      h("div", {}, `${s.recipient.name || "-"} · ${s.recipient.phone ? displayPhone(s.recipient.phone) : "-"} · `,
        h("strong", {}, s.courier.label)),
      h("div", {}, "Resi: ", s.awb ? h("span", { class: "awb" }, s.awb) : h("span", { class: "awb missing" }, "Menunggu resi")),
      h("div", { class: "muted" }, s.recipient.address || ""),
      h("div", { class: "muted" }, `${formatWib(s.created_at, state.timezone)} · ${(s.weight_g / 1000).toLocaleString("id-ID")} kg`,
        s.price ? ` · ongkir ${formatRupiah(s.price)}` : "")),
    h("div", { class: "side" },
      labelTag(s.label),
      s.label.reprint_reason ? h("span", { class: "muted" }, s.label.reprint_reason) : null,
      reprint),
    s.error && s.booking !== "booked" && s.booking !== "manual" ? problemBox(s) : null);
}

$("filters").addEventListener("change", () => loadShipments());
$("filters").addEventListener("submit", (event) => {
  event.preventDefault();
  loadShipments();
});
$("f-q").addEventListener("keydown", (event) => {
  if (event.key === "Enter") {
    event.preventDefault();
    loadShipments();
  }
});
$("more").addEventListener("click", () => loadShipments({ more: true }));

// ---- AWB scan-in -----------------------------------------------------------------------------

const scanRows = []; // {order_no, awb, replace, result}

function drawScanRows() {
  replace($("scan-rows"), scanRows.map((row, index) => {
    const remove = h("button", { type: "button", class: "btn btn-link btn-small", "aria-label": `Hapus ${row.order_no}` }, "Hapus");
    remove.addEventListener("click", () => {
      scanRows.splice(index, 1);
      drawScanRows();
    });
    const result = row.result;
    return h("tr", {},
      h("td", {}, row.order_no),
      h("td", { class: "awb" }, row.awb),
      h("td", { class: result ? (result.ok ? "ok" : "bad") : "" },
        result ? (result.ok ? (result.outcome === "unchanged" ? "Sudah tercatat" : "Tersimpan") : result.message) : "Belum disimpan"),
      h("td", {}, remove));
  }));
  $("scan-save").disabled = !scanRows.some((row) => !row.result?.ok);
}

$("scan-order").addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault();
  if ($("scan-order").value.trim()) $("scan-awb").focus();
});

$("scan-awb").addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault();
  const orderNo = $("scan-order").value.trim().toUpperCase();
  const awb = $("scan-awb").value.trim();
  if (!orderNo) {
    $("scan-order").focus();
    return;
  }
  if (!awb) return;
  scanRows.push({ order_no: orderNo, awb, replace: $("scan-replace").checked, result: null });
  $("scan-order").value = "";
  $("scan-awb").value = "";
  $("scan-order").focus();
  drawScanRows();
});

$("scan-form").addEventListener("submit", (event) => event.preventDefault());

$("scan-save").addEventListener("click", async () => {
  const pending = scanRows.filter((row) => !row.result?.ok);
  if (!pending.length) return;
  $("scan-save").disabled = true;
  $("scan-error").textContent = "";
  try {
    const body = { rows: pending.map((row) => ({ order_no: row.order_no, awb: row.awb, ...(row.replace ? { replace: true } : {}) })) };
    const answer = await call("POST", "/shipping/awb-batch", { body });
    answer.results.forEach((result, index) => { pending[index].result = result; });
    toast(`${answer.saved} resi tersimpan${answer.refused ? `, ${answer.refused} ditolak` : ""}.`);
    loadShipments();
  } catch (err) {
    $("scan-error").textContent = err.message;
  }
  drawScanRows();
});

$("scan-clear").addEventListener("click", () => {
  scanRows.splice(0, scanRows.length);
  drawScanRows();
  $("scan-order").focus();
});

// ---- labels ----------------------------------------------------------------------------------

let printKey = null; // kept until the server answers, so a lost answer is retried as the same click

$("print-all").addEventListener("click", async () => {
  const button = $("print-all");
  if (button.disabled) return;
  button.disabled = true;
  $("print-error").textContent = "";
  $("print-result").hidden = true;
  printKey ??= crypto.randomUUID();
  try {
    const size = $("label-size").value;
    const result = await call("POST", "/shipping/labels/print-unprinted", { body: size ? { size } : {}, idempotencyKey: printKey });
    printKey = null;
    $("print-result").textContent = `${result.printed} label dikirim ke printer (${result.size === "100x150" ? "100 x 150 mm" : `${result.size} mm`}).`
      + (result.remaining ? ` Masih ada ${result.remaining} label: tekan lagi untuk mencetaknya.` : "");
    $("print-result").hidden = false;
  } catch (err) {
    if (err.status !== 0) printKey = null;
    if (err.code === "no_unprinted_labels") {
      $("print-result").textContent = err.message;
      $("print-result").hidden = false;
    } else {
      $("print-error").textContent = err.message;
    }
  } finally {
    button.disabled = false;
    loadShipments();
  }
});

// ---- tabs and start --------------------------------------------------------------------------

const TABS = { "tab-list": "panel-list", "tab-scan": "panel-scan", "tab-labels": "panel-labels" };
for (const [tabId, panelId] of Object.entries(TABS)) {
  $(tabId).addEventListener("click", () => {
    for (const [otherTab, otherPanel] of Object.entries(TABS)) {
      $(otherTab).setAttribute("aria-selected", String(otherTab === tabId));
      $(otherPanel).hidden = otherTab !== tabId;
    }
    if (tabId === "tab-scan") $("scan-order").focus();
  });
}

async function start() {
  const signedIn = session();
  if (!signedIn) return showSignin();
  if (!SHIPPING_ROLES.has(signedIn.staff.role)) {
    sessionStorage.removeItem(SESSION_KEY);
    return showSignin("Halaman pengiriman untuk CS, gudang dan admin. Masuk dengan nama lain.");
  }
  state.role = signedIn.staff.role;
  $("signin").hidden = true;
  $("app").hidden = false;
  $("logout").hidden = false;
  try {
    const store = await call("GET", "/store");
    state.timezone = store.timezone;
    $("who").textContent = `${store.name} · ${signedIn.staff.name}`;
  } catch {
    $("who").textContent = signedIn.staff.name;
  }
  drawScanRows();
  await loadShipments();
}

start();
