// Bank reconciliation for CS: upload the bank's statement (mutasi), follow its import, check the
// rows the matcher left for a person, confirm or match by hand, unmatch, and turn paid book orders
// into sales. It signs in like the back office, with the kiosk's own credentials (../js/api.js):
// the tablet's pairing in localStorage and, in this tab, the PIN session.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { errorText, session, toast } from "../backoffice/common.js";
import * as audit from "./audit.js";
import * as mapping from "./mapping.js";
import * as paid from "./paid.js";
import { proposedPage, reviewPage } from "./review.js";
import * as uploads from "./upload.js";

const STAFF_ROLES = { cashier: "Kasir", cs: "CS", warehouse: "Gudang", admin: "Admin" };
const PAGES = [
  { id: "impor", label: "Unggah & Impor", module: uploads },
  { id: "cek", label: "Perlu Dicek", module: reviewPage },
  { id: "usulan", label: "Usulan Cocok", module: proposedPage },
  { id: "dibayar", label: "Siap Dijual", module: paid },
  { id: "riwayat", label: "Riwayat", module: audit },
  { id: "format", label: "Format CSV Lain", module: mapping },
];

const page = document.getElementById("page");
const tabs = document.getElementById("tabs");
const logoutButton = document.getElementById("logout");
let unmount = null;

function stopPage() {
  if (unmount) unmount();
  unmount = null;
}

async function showLogin(message = "") {
  stopPage();
  tabs.hidden = true;
  logoutButton.hidden = true;
  document.getElementById("staff-name").textContent = "";
  if (!api.device.get()) {
    replace(page, h("section", { class: "panel login" },
      h("h2", {}, "Tablet belum dipasangkan"),
      h("p", { class: "lead" }, "Pasangkan tablet ini di Back Office dengan kode dari admin toko, lalu kembali ke sini."),
      h("a", { class: "btn btn-primary btn-lg", href: "../backoffice/index.html" }, "Buka Back Office")));
    return;
  }
  const error = h("p", { class: "form-error", role: "alert" }, message);
  const who = h("select", { class: "input", id: "login-staff", required: true });
  const pin = h("input", { class: "input", id: "login-pin", type: "password", inputmode: "numeric", autocomplete: "off",
    maxlength: 6, pattern: "[0-9]{6}", required: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, "Masuk");
  replace(page, h("form", { class: "panel login", onsubmit: async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = "";
    try {
      api.session.set(await api.login(who.value, pin.value));
      await start();
    } catch (err) {
      error.textContent = err.code === "wrong_pin" ? "PIN salah." : errorText(err);
      pin.value = "";
      submit.disabled = false;
    }
  } },
  h("h2", {}, "Masuk dengan PIN"),
  h("label", { class: "field" }, h("span", { class: "field-label" }, "Nama"), who),
  h("label", { class: "field" }, h("span", { class: "field-label" }, "PIN"), pin),
  error, submit));
  try {
    const { staff } = await api.loginChoices();
    replace(who, staff.filter((s) => ["cs", "admin"].includes(s.role))
      .map((s) => h("option", { value: s.staff_id }, `${s.name} (${STAFF_ROLES[s.role] || s.role})`)));
  } catch (err) {
    error.textContent = errorText(err);
  }
}

function go(id) {
  const target = PAGES.find((p) => p.id === id) || PAGES[0];
  stopPage();
  replace(tabs, PAGES.map((p) => h("button", {
    type: "button", class: "tab", "aria-current": p === target ? "page" : false,
    onclick: () => { window.location.hash = p.id; },
  }, p.label)));
  unmount = target.module.mount(page, session.me) || null;
}

async function start() {
  session.me = await api.call("GET", "/auth/me");
  document.getElementById("store-name").textContent = session.me.store.name;
  document.getElementById("staff-name").textContent = `${session.me.name} · ${STAFF_ROLES[session.me.role] || session.me.role}`;
  logoutButton.hidden = false;
  if (!["cs", "admin"].includes(session.me.role)) {
    replace(page, h("section", { class: "panel" }, h("h2", {}, "Khusus CS dan admin"),
      h("p", {}, "Rekonsiliasi bank hanya untuk CS dan admin toko. Keluar lalu masuk dengan akun CS.")));
    return;
  }
  tabs.hidden = false;
  go(window.location.hash.slice(1));
}

window.addEventListener("hashchange", () => { if (session.me) go(window.location.hash.slice(1)); });
api.apiEvents.addEventListener("auth-lost", (event) => {
  session.me = null;
  showLogin(event.detail.message);
});
logoutButton.addEventListener("click", async () => {
  try {
    await api.logout();
  } catch {
    // signed out locally either way
  }
  api.session.clear();
  session.me = null;
  toast("Anda sudah keluar.");
  showLogin();
});

if (api.session.get()) {
  start().catch(() => showLogin());
} else {
  showLogin();
}
