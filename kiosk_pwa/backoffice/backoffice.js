// Back office for CS and the warehouse: stock check, drop orders, book orders. It signs in through
// the shared shell (./shell.js) with the kiosk's own credentials: the tablet's pairing in
// localStorage and, in this tab, the PIN session. A tablet that is not paired yet can be paired here
// with a code from the store admin (a "backoffice" pairing code, e.g. from var/local-stack.json locally).
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { listenForScans } from "../js/scanner.js";
import * as bookOrders from "./book.js";
import { errorText, session } from "./common.js";
import * as drops from "./drops.js";
import { runShell } from "./shell.js";
import * as stock from "./stock.js";

// Which pages each role sees (the server checks the same roles on every call).
const PAGES = [
  { id: "stok", label: "Cek Stok", roles: ["cs", "warehouse", "cashier", "admin"], module: stock },
  { id: "drop", label: "Drop Order", roles: ["cs", "warehouse", "admin"], module: drops },
  { id: "pesan", label: "Book Order", roles: ["cs", "admin"], module: bookOrders },
];

// The other back-office sections are pages of their own; they sign in with the same session.
const SECTIONS = [
  { href: "../reconciliation/", label: "Mutasi Bank", roles: ["cs", "admin"] },
  { href: "../shipping/", label: "Pengiriman", roles: ["cs", "warehouse", "admin"] },
  { href: "../reports/", label: "Laporan", roles: ["cs", "admin"] },
  { href: "../reports/shift.html", label: "Tutup Kasir", roles: ["cashier", "cs", "admin"] },
  { href: "../printing/", label: "Printer", roles: ["cashier", "cs", "admin"] },
];

const tabs = document.getElementById("tabs");

function showPairing(page, showLogin, message = "") {
  const error = h("p", { class: "form-error", role: "alert" }, message);
  const code = h("input", { class: "input input-code", required: true, maxlength: 16, autocomplete: "off",
    autocapitalize: "characters", spellcheck: "false", id: "pair-code" });
  const name = h("input", { class: "input", required: true, maxlength: 60, value: "Tablet back office", id: "pair-name" });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, "Pasangkan");
  replace(page, h("form", { class: "panel login", onsubmit: async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = "";
    try {
      // The code's own kind (back office or kiosk) decides what the device is.
      api.device.set(await api.call("POST", "/devices/pair", { auth: "none",
        body: { code: code.value.trim().toUpperCase(), name: name.value.trim() } }));
      await showLogin();
    } catch (err) {
      error.textContent = errorText(err);
      submit.disabled = false;
    }
  } },
  h("h2", {}, "Pasangkan tablet ini"),
  h("p", { class: "lead" }, "Masukkan kode pairing dari admin toko (jenis back office)."),
  h("label", { class: "field" }, h("span", { class: "field-label" }, "Kode pairing"), code),
  h("label", { class: "field" }, h("span", { class: "field-label" }, "Nama perangkat"), name),
  error, submit));
  code.focus();
}

function go(id) {
  const choices = PAGES.filter((p) => p.roles.includes(session.me.role));
  const target = choices.find((p) => p.id === id) || choices[0];
  replace(tabs, [
    ...choices.map((p) => h("button", {
      type: "button", class: "tab", "aria-current": p === target ? "page" : false,
      onclick: () => { window.location.hash = p.id; },
    }, p.label)),
    ...SECTIONS.filter((s) => s.roles.includes(session.me.role))
      .map((s) => h("a", { class: "tab tab-link", href: s.href }, s.label)),
  ]);
  shell.replaceView(null);  // the previous page's timers and scanner stop before the next mounts
  const page = document.getElementById("page");
  const stopScans = listenForScans((code) => target.module.onScan?.(code));
  const cleanup = target.module.mount(page, session.me);
  shell.replaceView(() => { stopScans(); if (cleanup) cleanup(); });
}

const shell = runShell({ unpaired: showPairing, signedIn: () => go(window.location.hash.slice(1)) });
window.addEventListener("hashchange", () => { if (session.me) go(window.location.hash.slice(1)); });
