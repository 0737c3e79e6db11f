// A supervisor's (or an admin's) PIN for what a cashier may not do alone: a refund above the store's
// limit, or a void. The approver picks their name and types their PIN on this tablet; the request
// then goes again under the same Idempotency-Key with {staff_id, pin}. A wrong PIN keeps the dialog
// open; the PIN itself never leaves this dialog except in that one request.
import * as api from "./api.js";
import { h, replace } from "./dom.js";
import { formatRupiah } from "./format.js";
import { t } from "./i18n.js";
import { keypad, listenForDigitKeys } from "./keypad.js";

const PIN_LENGTH = 6;
const APPROVER_ROLES = ["supervisor", "admin"];
/** The server's refusals of an approval: the intent stays open (same key) and the dialog asks again. */
export const APPROVAL_CODES = new Set([
  "approval_required", "approval_pin_wrong", "approver_not_allowed", "second_person_required", "pin_locked",
  "invalid_pin_format",
]);

/** What the approver list shows of a role. */
export function roleLabel(role) {
  if (role === "supervisor") return t("role.supervisor");
  if (role === "admin") return t("role.admin");
  return role;
}

function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("");
}

/**
 * Opens the dialog for `err` (the server's approval_required, with details.amount and
 * details.approver_roles). `send(approval)` makes the request again with it. Resolves with what
 * `send` answered, or null when the cashier closes the dialog; an error other than a refused
 * approval closes it and is thrown to the caller.
 */
export function askApproval(app, { err, send }) {
  const amount = err && err.details && Number.isInteger(err.details.amount) ? err.details.amount : null;
  const roles = (err && err.details && err.details.approver_roles) || APPROVER_ROLES;
  const me = api.session.get()?.staff?.staff_id;

  return new Promise((resolve, reject) => {
    let chosen = null;
    let pin = "";
    let busy = false;
    let removeKeys = null;

    const body = h("div", { class: "approval-body" });
    const error = h("p", { class: "form-error", role: "alert", id: "approval-error" });
    const cancel = h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "approval-cancel", onclick: () => finish(null) },
      t("approval.cancel"));
    const dialog = h("dialog", { class: "approval-dialog", id: "approval-dialog", "aria-labelledby": "approval-title" },
      h("h2", { id: "approval-title" }, t("approval.title")),
      h("p", { class: "lead", id: "approval-lead" }, amount !== null
        ? t("approval.leadAmount", { amount: formatRupiah(amount) }) : t("approval.lead")),
      body, error,
      h("div", { class: "actions" }, cancel));
    dialog.addEventListener("cancel", (event) => { // Esc: closed like "Batal", never mid-request
      event.preventDefault();
      if (!busy) finish(null);
    });

    function finish(value, failure) {
      if (removeKeys) removeKeys();
      dialog.close();
      dialog.remove();
      if (failure) reject(failure);
      else resolve(value);
    }

    async function showNames() {
      chosen = null;
      pin = "";
      if (removeKeys) removeKeys();
      removeKeys = null;
      replace(body, h("p", { class: "hint" }, t("common.loading")));
      let staff;
      try {
        staff = (await api.loginChoices()).staff;
      } catch (failure) {
        error.textContent = app.errorText(failure);
        replace(body);
        return;
      }
      const approvers = staff.filter((person) => roles.includes(person.role) && person.staff_id !== me);
      if (!approvers.length) {
        replace(body, h("p", { class: "notice", id: "approval-none" }, t("approval.none")));
        return;
      }
      replace(body,
        h("p", { class: "field-label" }, t("approval.pickName")),
        h("div", { class: "staff-grid approver-grid", role: "list" }, approvers.map((person) =>
          h("div", { role: "listitem" },
            h("button", { type: "button", class: "staff-button", dataset: { approverId: person.staff_id }, onclick: () => showPin(person) },
              h("span", { class: "avatar", "aria-hidden": "true" }, initials(person.name)),
              h("span", { class: "staff-name" }, person.name),
              h("span", { class: "staff-role" }, roleLabel(person.role)))))));
    }

    function showPin(person) {
      chosen = person;
      pin = "";
      error.textContent = "";
      const dots = h("div", { class: "pin-dots", "aria-hidden": "true" });
      const progress = h("p", { class: "sr-only", role: "status" });
      const pad = keypad({ label: t("approval.keypad"), onKey });
      const other = h("button", { type: "button", class: "btn btn-link", id: "approval-other", onclick: () => { error.textContent = ""; showNames(); } },
        t("approval.otherName"));
      const drawDots = () => {
        replace(dots, Array.from({ length: PIN_LENGTH }, (_, i) => h("span", { class: i < pin.length ? "dot filled" : "dot" })));
        progress.textContent = t("approval.pinProgress", { count: pin.length, total: PIN_LENGTH });
      };

      function onKey(key) {
        if (busy) return;
        if (key === "back") pin = pin.slice(0, -1);
        else if (key === "clear") pin = "";
        else if (pin.length < PIN_LENGTH) pin += key;
        drawDots();
        if (pin.length === PIN_LENGTH) submit();
      }

      async function submit() {
        busy = true;
        pad.setDisabled(true);
        cancel.disabled = true;
        progress.textContent = t("approval.checking");
        const approval = { staff_id: chosen.staff_id, pin };
        try {
          const answer = await send(approval);
          busy = false;
          finish(answer);
        } catch (failure) {
          busy = false;
          cancel.disabled = false;
          if (!(failure instanceof api.ApiError) || !APPROVAL_CODES.has(failure.code)) {
            finish(null, failure);
            return;
          }
          error.textContent = failure.code === "approval_pin_wrong" ? t("approval.wrongPin") : app.errorText(failure);
          pin = "";
          drawDots();
          pad.setDisabled(false);
          dots.classList.remove("shake");
          void dots.offsetWidth; // restart the animation
          dots.classList.add("shake");
          if (failure.code === "approver_not_allowed" || failure.code === "second_person_required") showNames();
        }
      }

      replace(body,
        h("p", { class: "approver-chosen", id: "approval-chosen" }, t("approval.enterPin", { name: person.name })),
        dots, progress, pad.element, other);
      drawDots();
      if (removeKeys) removeKeys();
      removeKeys = listenForDigitKeys({ onKey });
    }

    document.body.append(dialog);
    dialog.showModal();
    showNames();
  });
}
