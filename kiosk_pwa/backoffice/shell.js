// The sign-in shell the back-office pages share: the tablet's pairing (localStorage, set by the
// kiosk or the back office), the PIN session of this tab, the header with who is signed in,
// "Keluar", and signing in again whenever the API says the session ended.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { errorText, session, toast } from "./common.js";

export const STAFF_ROLES = { cashier: "Kasir", cs: "CS", warehouse: "Gudang", admin: "Admin" };

/**
 * Runs a page. ``roles``: who may sign in here (null: everyone); ``unpaired(page, showLogin)``:
 * what to show on a tablet that is not paired; ``signedIn(me)``: mount the page (return a cleanup);
 * ``notAllowed``: the text for a signed-in person whose role the page does not serve.
 */
export function runShell({ roles = null, unpaired, signedIn, notAllowed = "" }) {
  const page = document.getElementById("page");
  const tabs = document.getElementById("tabs") || { hidden: true };  // single-view pages have no tabs
  const logoutButton = document.getElementById("logout");
  const staffName = document.getElementById("staff-name");
  let cleanup = null;

  function stop() {
    if (cleanup) cleanup();
    cleanup = null;
  }

  async function showLogin(message = "") {
    stop();
    session.me = null;
    tabs.hidden = true;
    logoutButton.hidden = true;
    staffName.textContent = "";
    if (!api.device.get()) return unpaired(page, showLogin, message);
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
      replace(who, staff.filter((s) => !roles || roles.includes(s.role))
        .map((s) => h("option", { value: s.staff_id }, `${s.name} (${STAFF_ROLES[s.role] || s.role})`)));
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  async function start() {
    session.me = await api.call("GET", "/auth/me");
    document.getElementById("store-name").textContent = session.me.store.name;
    staffName.textContent = `${session.me.name} · ${STAFF_ROLES[session.me.role] || session.me.role}`;
    logoutButton.hidden = false;
    if (roles && !roles.includes(session.me.role)) {
      replace(page, h("section", { class: "panel" }, h("h2", {}, "Bukan untuk peran ini"), h("p", {}, notAllowed)));
      return;
    }
    tabs.hidden = false;
    // A page mounts itself (and may register its cleanup through replaceView) or returns its cleanup.
    const result = await signedIn(session.me);
    if (typeof result === "function") cleanup = result;
  }

  /** The page switches its own views; the shell stops the previous one first. */
  function replaceView(next) {
    stop();
    cleanup = next || null;
  }

  api.apiEvents.addEventListener("auth-lost", (event) => showLogin(event.detail.message));
  logoutButton.addEventListener("click", async () => {
    try {
      await api.logout();
    } catch {
      // signed out locally either way
    }
    api.session.clear();
    toast("Anda sudah keluar.");
    showLogin();
  });

  if (api.session.get()) {
    start().catch(() => showLogin());
  } else {
    showLogin();
  }
  return { showLogin, replaceView };
}
