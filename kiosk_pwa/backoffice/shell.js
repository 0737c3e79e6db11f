// The back office is one app at six addresses (/backoffice/ with #stok #drop #pesan #keputusan #penjualan #staf,
// /reconciliation/, /shipping/, /reports/, /reports/shift.html, /printing/), each the same small HTML
// file. This module is what they all run: it draws the header (store, who is signed in, language,
// Keluar) and the menu of every section the person's role may use, pairs the tablet, signs in with a
// PIN (the kiosk's own credentials: the pairing in localStorage, the PIN session in this tab), mounts
// the section the address names, and asks for the PIN again whenever the API says the session (or
// the pairing) is gone.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { LANGUAGES, currentLanguage, setLanguage, t } from "../js/i18n.js";
import { registerServiceWorker, setSafePoint } from "../js/pwa.js";
import { listenForScans } from "../js/scanner.js";
import { errorLine, errorText, roleName, session, toast } from "./common.js";

const ROOT = new URL("../", import.meta.url); // the PWA's root, wherever it is served

const ALL = ["cashier", "supervisor", "cs", "warehouse", "admin"];
// Every section, in menu order. `path` is the page (relative to the root); the back office's first
// page holds six sections told apart by the hash. The server checks the same roles on every call (a
// supervisor is a cashier who may also approve refunds and voids: wherever cashiers go, and more).
const SECTIONS = [
  { id: "stok", path: "backoffice/", label: "bo.nav.stock", roles: ALL, load: () => import("./stock.js") },
  { id: "drop", path: "backoffice/", label: "bo.nav.drop", roles: ["cs", "warehouse", "admin"], load: () => import("./drops.js") },
  { id: "pesan", path: "backoffice/", label: "bo.nav.book", roles: ["cs", "admin"], load: () => import("./book.js") },
  { id: "keputusan", path: "backoffice/", label: "bo.nav.decisions", roles: ["cashier", "supervisor", "cs", "admin"],
    load: () => import("./decisions.js") },
  { id: "penjualan", path: "backoffice/", label: "bo.nav.sales", roles: ["cashier", "supervisor", "cs", "admin"],
    load: () => import("./sales.js") },
  { id: "mutasi", path: "reconciliation/", label: "bo.nav.reconciliation", roles: ["cs", "admin"],
    load: () => import("../reconciliation/reconciliation.js") },
  { id: "kirim", path: "shipping/", label: "bo.nav.shipping", roles: ["cs", "warehouse", "admin"],
    load: () => import("../shipping/shipping.js") },
  { id: "laporan", path: "reports/", label: "bo.nav.reports", roles: ["cs", "admin"], load: () => import("../reports/reports.js") },
  { id: "kasir", path: "reports/shift.html", label: "bo.nav.shift", roles: ["cashier", "supervisor", "cs", "admin"],
    load: () => import("../reports/shift.js") },
  { id: "printer", path: "printing/", label: "bo.nav.printing", roles: ["cashier", "supervisor", "cs", "admin"],
    load: () => import("../printing/printing.js") },
  { id: "staf", path: "backoffice/", label: "bo.nav.staff", roles: ["admin"], load: () => import("./staff.js") },
];
const KIOSK_ROLES = ["cashier", "supervisor", "cs", "admin"]; // who gets a link back to the cashier kiosk

const href = (section) => new URL(section.path + (section.path === "backoffice/" ? `#${section.id}` : ""), ROOT).href;

/** This page's path relative to the root, "index.html" left out: "backoffice/", "reports/shift.html". */
function pagePath() {
  const path = window.location.pathname.slice(ROOT.pathname.length);
  return path.endsWith("index.html") ? path.slice(0, -"index.html".length) : path;
}

const PAGE_SECTIONS = SECTIONS.filter((s) => s.path === pagePath());
if (!PAGE_SECTIONS.length) PAGE_SECTIONS.push(SECTIONS[0]); // an address we do not know: the first section
// Who can sign in on this page: anyone one of its sections serves.
const PAGE_ROLES = new Set(PAGE_SECTIONS.flatMap((s) => s.roles));

/** The section the address names; on the back office's first page the hash, or the first one the role may use. */
function currentSection(role) {
  const hash = window.location.hash.slice(1);
  return PAGE_SECTIONS.find((s) => s.id === hash) || PAGE_SECTIONS.find((s) => !role || s.roles.includes(role))
    || PAGE_SECTIONS[0];
}

// ---- the frame ------------------------------------------------------------------------------------

const storeName = h("p", { class: "store-name", id: "store-name" });
const staffName = h("span", { class: "cashier-name", id: "staff-name" });
const langButton = h("button", { type: "button", class: "btn btn-header", id: "lang-button" });
const kioskLink = h("a", { class: "btn btn-header", id: "kiosk-link", href: ROOT.href, hidden: true });
const logoutButton = h("button", { type: "button", class: "btn btn-header", id: "logout", hidden: true });
const title = h("h1", {});
const nav = h("nav", { class: "tabs", id: "tabs", hidden: true });
const page = h("main", { id: "page", tabindex: "-1", "aria-live": "polite" });
document.body.prepend(
  h("header", { class: "topbar" },
    h("div", { class: "brand" }, h("img", { src: new URL("icons/icon-192.png", ROOT).href, alt: "", width: 44, height: 44 }),
      h("div", {}, title, storeName)),
    h("div", { class: "topbar-actions" }, staffName, kioskLink, langButton, logoutButton)),
  nav, page,
  h("div", { class: "toast", id: "toast", role: "status", "aria-live": "polite", hidden: true }));

let mounted = null; // the section on screen
let generation = 0; // every screen change counts up: a slow section that finishes late sees it is stale
let cleanup = null;
let redraw = () => {}; // draws the current screen again (after a language switch)

function stop() {
  generation += 1;
  mounted = null;
  if (cleanup) cleanup();
  cleanup = null;
}

function drawFrame(me, section) {
  title.textContent = t("bo.shell.title");
  document.title = `${t(section.label)} · Sambung`;
  storeName.textContent = me ? me.store.name : api.device.get()?.store_name || "";
  staffName.textContent = me ? `${me.name} · ${roleName(me.role)}` : "";
  logoutButton.textContent = t("bo.shell.logout");
  logoutButton.hidden = !me;
  kioskLink.textContent = t("bo.shell.kiosk");
  kioskLink.hidden = !me || !KIOSK_ROLES.includes(me.role);
  const next = LANGUAGES.find((lang) => lang !== currentLanguage());
  langButton.textContent = next.toUpperCase();
  langButton.lang = next;
  langButton.setAttribute("aria-label", t("header.switchLanguage"));
  nav.hidden = !me;
  nav.setAttribute("aria-label", t("bo.shell.menu"));
  replace(nav, me ? SECTIONS.filter((s) => s.roles.includes(me.role)).map((s) => h("a", {
    class: "tab", href: href(s), "aria-current": s === section ? "page" : false,
  }, t(s.label))) : null);
}

// ---- pairing and the PIN ------------------------------------------------------------------------

function showPairing(message = "") {
  stop();
  session.me = null;
  redraw = () => showPairing(error.textContent);
  drawFrame(null, currentSection(null));
  setSafePoint(true);
  const error = errorLine(message);
  const code = h("input", { class: "input input-code", required: true, maxlength: 16, autocomplete: "off",
    autocapitalize: "characters", spellcheck: "false", id: "pair-code" });
  const name = h("input", { class: "input", required: true, maxlength: 60, value: t("bo.pair.defaultName"), id: "pair-name" });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, t("pair.submit"));
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
  h("h2", {}, t("pair.title")),
  h("p", { class: "lead" }, t("bo.pair.lead")),
  h("label", { class: "field" }, h("span", { class: "field-label" }, t("pair.code")), code),
  h("label", { class: "field" }, h("span", { class: "field-label" }, t("pair.name")), name),
  error, submit));
  code.focus();
}

async function showLogin(message = "") {
  if (!api.device.get()) {
    showPairing(message);
    return;
  }
  stop();
  const mine = generation;
  session.me = null;
  redraw = () => showLogin(error.textContent);
  drawFrame(null, currentSection(null));
  setSafePoint(true);
  const error = errorLine(message);
  const who = h("select", { class: "input", id: "login-staff", required: true });
  const pin = h("input", { class: "input", id: "login-pin", type: "password", inputmode: "numeric", autocomplete: "off",
    maxlength: 6, pattern: "[0-9]{6}", required: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, t("bo.login.submit"));
  replace(page, h("form", { class: "panel login", onsubmit: async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = "";
    try {
      api.session.set(await api.login(who.value, pin.value));
      await start();
    } catch (err) {
      error.textContent = err.code === "wrong_pin" ? t("bo.login.wrongPin") : errorText(err);
      pin.value = "";
      submit.disabled = false;
    }
  } },
  h("h2", {}, t("bo.login.title")),
  h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.login.name")), who),
  h("label", { class: "field" }, h("span", { class: "field-label" }, "PIN"), pin),
  error, submit));
  try {
    const { staff } = await api.loginChoices();
    if (mine !== generation) return;
    replace(who, staff.filter((s) => PAGE_ROLES.has(s.role))
      .map((s) => h("option", { value: s.staff_id }, `${s.name} (${roleName(s.role)})`)));
  } catch (err) {
    error.textContent = errorText(err);
  }
}

// ---- a signed-in person -------------------------------------------------------------------------

async function start() {
  session.me = await api.call("GET", "/auth/me");
  redraw = mountSection;
  await mountSection();
}

/** The server cannot be reached (offline): the session may well be alive, so offer to try again. */
function showUnreachable(err) {
  stop();
  redraw = () => showUnreachable(err);
  drawFrame(null, currentSection(null));
  const retry = h("button", { type: "button", class: "btn btn-primary btn-lg", onclick: () => {
    retry.disabled = true;
    begin();
  } }, t("common.retry"));
  replace(page, h("section", { class: "panel login" }, h("h2", {}, t("offline.title")), errorLine(errorText(err)), retry));
}

/** Where a page starts: the PIN form, or straight into the section with this tab's session. */
function begin() {
  if (!api.session.get()) {
    showLogin();
    return;
  }
  start().catch((err) => {
    if (err instanceof api.ApiError && err.isNetwork) showUnreachable(err);
    // A 401 has already brought the PIN form (auth-lost); anything else asks for the PIN as well.
    else if (!(err instanceof api.ApiError && err.status === 401)) showLogin(errorText(err));
  });
}

function notAllowed(section) {
  const roles = new Intl.ListFormat(currentLanguage(), { type: "conjunction" }).format(section.roles.map(roleName));
  return h("section", { class: "panel login" }, h("h2", {}, t("bo.shell.notAllowedTitle")),
    h("p", { class: "lead" }, t("bo.shell.notAllowed", { section: t(section.label), roles })));
}

async function mountSection() {
  stop();
  const mine = generation;
  const me = session.me;
  const section = currentSection(me.role);
  mounted = section;
  drawFrame(me, section);
  setSafePoint(false);
  if (!section.roles.includes(me.role)) {
    replace(page, notAllowed(section));
    return;
  }
  // Each section draws into its own element: one still loading when the person moves on draws
  // into an element no longer on the page.
  const view = h("div", { class: "view", dataset: { section: section.id } });
  replace(page, view);
  let module;
  try {
    module = await section.load();
  } catch {
    replace(view, errorLine(t("bo.error.unexpected")));
    return;
  }
  if (mine !== generation) return;
  const stopScans = module.onScan ? listenForScans((code) => module.onScan(code)) : () => {};
  cleanup = stopScans;
  let stopSection = null;
  try {
    stopSection = await module.mount(view, me);
  } catch (err) {
    view.append(errorLine(errorText(err)));
  }
  const stopAll = () => { stopScans(); if (typeof stopSection === "function") stopSection(); };
  if (mine === generation) cleanup = stopAll;
  else stopAll();
}

async function switchLanguage() {
  try {
    await setLanguage(LANGUAGES.find((lang) => lang !== currentLanguage()));
  } catch {
    toast(t("error.network"), "error");
    return;
  }
  redraw();
}

// ---- start ----------------------------------------------------------------------------------------

api.apiEvents.addEventListener("auth-lost", (event) => {
  if (event.detail.reason === "device") showPairing(event.detail.message);
  else showLogin(event.detail.message);
});
logoutButton.addEventListener("click", async () => {
  try {
    await api.logout();
  } catch {
    // signed out locally either way
  }
  api.session.clear();
  toast(t("bo.shell.loggedOut"));
  showLogin();
});
langButton.addEventListener("click", switchLanguage);
window.addEventListener("hashchange", () => {
  if (session.me && currentSection(session.me.role) !== mounted) mountSection();
});
registerServiceWorker().catch((err) => console.warn("service worker not registered", err));

begin();
