// Staf: the store's people and their sign-in security, for admins. Each person's role, whether they
// are active, and a sign-in lock (too many wrong PINs on a device lock that person on that device for
// a while): "Buka kunci" lifts it on every device at once. "Akhiri sesi" signs one person out on every
// device (each of their sessions ends on its next request), e.g. when a tablet is lost; "Akhiri semua
// sesi" does it for the whole store, the admin doing it included: the list's reload that follows then
// meets the ended session, and the shell asks for the PIN as it does for any ended session.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatClockTime } from "../js/format.js";
import { t } from "../js/i18n.js";
import { errorLine, errorText, listLoader, roleName, toast } from "./common.js";

const REFRESH_MS = 30000;

/** Locked now: the lock may have run out since the list came (the server's clock decides). */
const isLocked = (person) => Boolean(person.locked_until) && person.locked_until > api.serverNowSeconds();

export function mount(root, me) {
  const timeZone = me.store?.timezone || "Asia/Jakarta";
  const list = h("div", { class: "grid-auto staff-list", id: "staff" });
  const actionError = errorLine(); // an unlock or an ending that did not go through, until one does
  const reload = h("button", { type: "button", class: "btn btn-secondary", id: "staff-reload", onclick: () => refresh() },
    t("bo.common.reload"));
  const endAllButton = h("button", { type: "button", class: "btn btn-danger", id: "staff-end-all" }, t("bo.staff.endAll"));
  endAllButton.addEventListener("click", () => endAll());
  let staff = [];
  // A 401 (this admin's own session ended) brings the PIN form by itself (see shell.js).
  const refresh = listLoader({ button: reload, list, load: async () => {
    ({ staff } = await api.call("GET", "/staff"));
    render();
  } });

  function render() {
    // Active people first, then by name; inactive ones stay listed (a lock or a name to recognise).
    const people = [...staff].sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name));
    replace(list, people.length ? people.map(card) : h("p", { class: "empty", id: "staff-empty" }, t("bo.staff.empty")));
  }

  /** Runs one admin action from `button`: busy while it runs, its error beside the list; reloads after. */
  async function act(button, action) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await action();
      actionError.textContent = "";
    } catch (err) {
      actionError.textContent = errorText(err);
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
    await refresh();
  }

  function unlock(person, button) {
    return act(button, async () => {
      const { unlocked_devices: devices } = await api.call("POST", `/staff/${encodeURIComponent(person.staff_id)}/unlock`);
      toast(t(devices ? "bo.staff.unlocked" : "bo.staff.wasNotLocked", { name: person.name }));
      person.locked_until = null; // lifted: off the card at once, before the reload
      render();
    });
  }

  function endSessions(person, button) {
    const own = person.staff_id === me.staff_id;
    if (!window.confirm(own ? t("bo.staff.endOwnSessionsConfirm") : t("bo.staff.endSessionsConfirm", { name: person.name }))) {
      return undefined;
    }
    return act(button, async () => {
      await api.call("POST", `/staff/${encodeURIComponent(person.staff_id)}/end-sessions`);
      toast(t("bo.staff.sessionsEnded", { name: person.name }));
    });
  }

  function endAll() {
    if (!window.confirm(t("bo.staff.endAllConfirm"))) return undefined;
    // The admin's own session ends too: the reload after it gets the 401 that brings the PIN form.
    return act(endAllButton, async () => {
      await api.call("POST", "/store/end-sessions");
      toast(t("bo.staff.allEnded"));
    });
  }

  function card(person) {
    const locked = isLocked(person);
    const own = person.staff_id === me.staff_id;
    const unlockButton = locked ? h("button", { type: "button", class: "btn btn-primary staff-unlock" }, t("bo.staff.unlock")) : null;
    unlockButton?.addEventListener("click", () => unlock(person, unlockButton));
    const endButton = person.active
      ? h("button", { type: "button", class: "btn btn-danger-outline staff-end-sessions" }, t("bo.staff.endSessions"))
      : null;
    endButton?.addEventListener("click", () => endSessions(person, endButton));
    return h("article", { class: "card staff-person", dataset: { staff: person.staff_id, locked: String(locked) } },
      h("div", { class: "card-head" },
        h("h3", { class: "staff-name" }, person.name, own ? h("span", { class: "staff-you" }, ` (${t("bo.staff.you")})`) : null),
        h("span", { class: person.active ? "tag staff-active" : "tag warn staff-inactive" },
          t(person.active ? "bo.staff.active" : "bo.staff.inactive"))),
      h("dl", { class: "summary" },
        h("dt", {}, t("bo.staff.role")), h("dd", { class: "staff-role" }, roleName(person.role))),
      locked
        ? h("p", {}, h("span", { class: "tag bad staff-lock" },
          t("bo.staff.lockedUntil", { time: formatClockTime(person.locked_until, timeZone) })))
        : null,
      unlockButton || endButton ? h("div", { class: "actions actions-start" }, unlockButton, endButton) : null);
  }

  replace(root,
    h("section", { class: "panel" },
      h("div", { class: "toolbar" }, h("h2", {}, t("bo.staff.title")), reload),
      h("p", { class: "hint" }, t("bo.staff.lead")),
      actionError, list),
    h("section", { class: "panel staff-store" },
      h("h2", {}, t("bo.staff.storeTitle")),
      h("p", { class: "hint" }, t("bo.staff.storeLead")),
      h("div", { class: "actions actions-start" }, endAllButton)));
  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => clearInterval(timer);
}
