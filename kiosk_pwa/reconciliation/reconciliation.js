// Bank reconciliation for CS: upload the bank's statement (mutasi), follow its import, check the
// rows the matcher left for a person, confirm or match by hand, unmatch, and turn paid book orders
// into sales. It signs in through the back office's shell (../backoffice/shell.js): the tablet's
// pairing in localStorage and, in this tab, the PIN session.
import { session } from "../backoffice/common.js";
import { runShell } from "../backoffice/shell.js";
import { h, replace } from "../js/dom.js";
import * as audit from "./audit.js";
import * as mapping from "./mapping.js";
import * as paid from "./paid.js";
import { proposedPage, reviewPage } from "./review.js";
import * as uploads from "./upload.js";

const PAGES = [
  { id: "impor", label: "Unggah & Impor", module: uploads },
  { id: "cek", label: "Perlu Dicek", module: reviewPage },
  { id: "usulan", label: "Usulan Cocok", module: proposedPage },
  { id: "dibayar", label: "Siap Dijual", module: paid },
  { id: "riwayat", label: "Riwayat", module: audit },
  { id: "format", label: "Format CSV Lain", module: mapping },
];

const tabs = document.getElementById("tabs");

function unpaired(page) {
  replace(page, h("section", { class: "panel login" },
    h("h2", {}, "Tablet belum dipasangkan"),
    h("p", { class: "lead" }, "Pasangkan tablet ini di Back Office dengan kode dari admin toko, lalu kembali ke sini."),
    h("a", { class: "btn btn-primary btn-lg", href: "../backoffice/index.html" }, "Buka Back Office")));
}

function go(id) {
  const target = PAGES.find((p) => p.id === id) || PAGES[0];
  replace(tabs, PAGES.map((p) => h("button", {
    type: "button", class: "tab", "aria-current": p === target ? "page" : false,
    onclick: () => { window.location.hash = p.id; },
  }, p.label)));
  shell.replaceView(null);
  shell.replaceView(target.module.mount(document.getElementById("page"), session.me));
}

const shell = runShell({
  roles: ["cs", "admin"], unpaired, signedIn: () => go(window.location.hash.slice(1)),
  notAllowed: "Rekonsiliasi bank hanya untuk CS dan admin toko. Keluar lalu masuk dengan akun CS.",
});
window.addEventListener("hashchange", () => { if (session.me) go(window.location.hash.slice(1)); });
