// PIN sign-in: pick your name, then six digits on the big keypad. Wrong PINs and the lockout
// get their own plain messages; while locked the keypad is off until the lock ends.
import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { formatClockTime } from "../format.js";
import { t } from "../i18n.js";
import { keypad, listenForDigitKeys } from "../keypad.js";

const PIN_LENGTH = 6;
const SELLING_ROLES = new Set(["cashier", "supervisor", "cs", "admin"]); // the roles the sales API accepts

function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("");
}

export function mount(root, app, params) {
  let staff = [];
  let chosen = null;
  let pin = "";
  let busy = false;
  let unlockTimer = null;
  let removeKeys = null;

  const notice = params.locked === "idle" ? t("login.lockedIdle") : params.message || "";
  const section = h("section", { class: "screen screen-login", "aria-labelledby": "login-title" });
  root.append(section);

  function showNames() {
    chosen = null;
    delete params.staffId;
    if (removeKeys) removeKeys();
    removeKeys = null;
    const list = h("div", { class: "staff-grid", role: "list" }, staff.map((person) =>
      h("div", { role: "listitem" },
        h("button", { type: "button", class: "staff-button", dataset: { staffId: person.staff_id }, onclick: () => showPin(person) },
          h("span", { class: "avatar", "aria-hidden": "true" }, initials(person.name)),
          h("span", { class: "staff-name" }, person.name),
          h("span", { class: "staff-role" }, t(`role.${person.role}`))))));
    replace(section,
      h("div", { class: "panel login-panel" },
        h("h2", { id: "login-title" }, t("login.title")),
        notice ? h("p", { class: "notice", role: "status" }, notice) : null,
        h("p", { class: "lead" }, t("login.pickName")),
        list));
  }

  function showPin(person) {
    chosen = person;
    params.staffId = person.staff_id; // a re-render (the language switch) comes back to this step
    pin = "";
    const dots = h("div", { class: "pin-dots", "aria-hidden": "true" });
    const progress = h("p", { class: "sr-only", role: "status" });
    const error = h("p", { class: "form-error", role: "alert", id: "pin-error" });
    const pad = keypad({ label: t("login.keypad"), onKey });
    const drawDots = () => {
      replace(dots, Array.from({ length: PIN_LENGTH }, (_, i) => h("span", { class: i < pin.length ? "dot filled" : "dot" })));
      progress.textContent = t("login.pinProgress", { count: pin.length, total: PIN_LENGTH });
    };

    function onKey(key) {
      if (busy || pad.locked) return;
      if (key === "back") pin = pin.slice(0, -1);
      else if (key === "clear") pin = "";
      else if (pin.length < PIN_LENGTH) pin += key;
      if (pin) error.textContent = "";
      drawDots();
      if (pin.length === PIN_LENGTH) submit();
    }

    async function submit() {
      busy = true;
      section.setAttribute("aria-busy", "true");
      try {
        const signedIn = await api.login(chosen.staff_id, pin);
        api.session.set(signedIn);
        await app.signedIn(signedIn.staff);
      } catch (err) {
        pin = "";
        drawDots();
        if (err.code === "pin_locked") lockPad(err.details.locked_until);
        error.textContent = err.code === "wrong_pin" ? t("login.wrongPin")
          : err.code === "pin_locked" ? t("login.pinLocked", { time: formatClockTime(err.details.locked_until, app.timezone()) })
            : app.errorText(err);
        dots.classList.remove("shake");
        void dots.offsetWidth; // restart the animation
        dots.classList.add("shake");
      } finally {
        busy = false;
        section.removeAttribute("aria-busy");
      }
    }

    function lockPad(until) {
      pad.locked = true;
      pad.setDisabled(true);
      clearTimeout(unlockTimer);
      unlockTimer = setTimeout(() => {
        pad.locked = false;
        pad.setDisabled(false);
        error.textContent = "";
      }, Math.max(0, until - api.serverNowSeconds()) * 1000);
    }

    drawDots();
    replace(section,
      h("div", { class: "panel pin-panel" },
        h("button", { type: "button", class: "btn btn-link back-link", onclick: showNames }, `← ${t("login.changeName")}`),
        h("h2", { id: "login-title" }, t("login.hello", { name: person.name })),
        notice ? h("p", { class: "notice", role: "status" }, notice) : null,
        h("p", { class: "lead", id: "pin-label" }, t("login.enterPin")),
        dots,
        progress,
        error,
        pad.element));
    if (removeKeys) removeKeys();
    removeKeys = listenForDigitKeys({ onKey });
  }

  function showError(message) {
    replace(section,
      h("div", { class: "panel login-panel" },
        h("h2", { id: "login-title" }, t("login.title")),
        h("p", { class: "form-error", role: "alert" }, message),
        h("button", { type: "button", class: "btn btn-primary btn-lg", onclick: load }, t("common.retry"))));
  }

  async function load() {
    replace(section, h("div", { class: "panel login-panel" },
      h("h2", { id: "login-title" }, t("login.title")), h("p", { class: "lead" }, t("common.loading"))));
    try {
      const answer = await api.loginChoices();
      staff = answer.staff.filter((person) => SELLING_ROLES.has(person.role));
    } catch (err) {
      if (err.code !== "device_unknown" && err.code !== "device_revoked") showError(app.errorText(err));
      return;
    }
    const wanted = params.staffId || (params.locked ? app.lastStaffId() : null);
    const person = staff.find((p) => p.staff_id === wanted);
    if (person) showPin(person);
    else showNames();
  }

  // The lockout message shows the store's local time; before anyone signs in the device reads it.
  if (!app.state.store) app.loadStore("device");
  const onOnline = () => {
    if (!staff.length) load();
  };
  window.addEventListener("online", onOnline);
  load();

  return () => {
    clearTimeout(unlockTimer);
    window.removeEventListener("online", onOnline);
    if (removeKeys) removeKeys();
  };
}
