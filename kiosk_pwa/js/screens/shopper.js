// The shopper's phone number on a keypad, formatted as it is typed (0812-3456-7890). A known
// number shows the shopper's card; an unknown one opens the short sign-up form on the same
// screen. "Lewati" is recorded on the server so the cashier's link rate stays honest. The store's
// sales still waiting for payment are one tap away ("Menunggu pembayaran"), and so is the day's
// history of sales ("Riwayat penjualan": reprint, void, refund).
import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { formatWib, groupLocalPhone } from "../format.js";
import { t } from "../i18n.js";
import { keypad, listenForDigitKeys } from "../keypad.js";

/** A shopper's points; a balance below zero (points taken back after a refund) is shown as owed. */
export const pointsText = (shopper) => (shopper.points_owed > 0
  ? t("shopper.pointsOwed", { points: shopper.points_owed })
  : t("shopper.pointsValue", { points: shopper.points_balance }));

const MAX_DIGITS = 15;
const MIN_DIGITS = 9; // shorter than any Indonesian mobile number: not worth asking the server

export function mount(root, app) {
  let digits = "";
  let lookupBusy = false;
  const registerIntent = new api.Intent();
  const skipIntent = new api.Intent();

  const display = h("output", { class: "phone-display", id: "phone-display", "aria-live": "polite", "aria-labelledby": "phone-label" });
  const error = h("p", { class: "form-error", role: "alert", id: "phone-error" });
  const findButton = h("button", { type: "button", class: "btn btn-primary btn-lg", id: "find-shopper", onclick: lookup }, t("shopper.find"));
  const skipButton = h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "skip-shopper", onclick: skip }, t("shopper.skip"));
  const pendingButton = h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "open-pending", onclick: () => app.go("pending", { scope: "store" }) },
    t("shopper.pending"));
  const historyButton = h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "open-history", onclick: () => app.go("history") },
    t("shopper.history"));
  const detail = h("div", { class: "panel shopper-detail", "aria-live": "polite" });
  const pad = keypad({ label: t("shopper.keypad"), onKey });

  function draw() {
    display.textContent = digits ? groupLocalPhone(digits) : t("shopper.placeholder");
    display.classList.toggle("is-empty", !digits);
    findButton.disabled = digits.length < MIN_DIGITS;
  }

  function showHint() {
    replace(detail, h("h3", {}, t("shopper.whyTitle")), h("p", { class: "lead" }, t("shopper.whyText")));
  }

  function onKey(key) {
    if (key === "back") digits = digits.slice(0, -1);
    else if (key === "clear") digits = "";
    else if (digits.length < MAX_DIGITS) digits += key;
    error.textContent = "";
    draw();
    showHint(); // a card or form for another number must not stay on screen
  }

  function proceed(shopper) {
    app.state.sale.shopper = shopper;
    app.state.sale.shopperDecided = true;
    app.state.saleIntent.reset();
    app.saveSale();
    app.go("cart");
  }

  async function lookup() {
    if (lookupBusy || digits.length < MIN_DIGITS) return;
    lookupBusy = true;
    findButton.disabled = true;
    error.textContent = "";
    try {
      showCard(await api.lookupShopper(digits));
    } catch (err) {
      if (err.code === "shopper_unknown") showNewShopperForm(err.details.phone_display || groupLocalPhone(digits));
      else error.textContent = app.errorText(err);
    } finally {
      lookupBusy = false;
      draw();
    }
  }

  function showCard(shopper) {
    const lastVisit = shopper.last_visit_at ? formatWib(shopper.last_visit_at, app.timezone()) : t("shopper.firstVisit");
    const go = h("button", { type: "button", class: "btn btn-primary btn-lg", id: "shopper-continue", onclick: () => proceed(shopper) },
      t("shopper.continue"));
    replace(detail,
      h("div", { class: "shopper-card", id: "shopper-card" },
        h("p", { class: "eyebrow" }, t("shopper.existing")),
        h("h3", { class: "shopper-name" }, shopper.name),
        h("p", { class: "shopper-phone" }, shopper.phone_display),
        h("dl", { class: "facts" },
          h("div", {}, h("dt", {}, t("shopper.points")), h("dd", { class: "points" }, pointsText(shopper))),
          h("div", {}, h("dt", {}, t("shopper.visits")), h("dd", {}, String(shopper.visit_count))),
          h("div", {}, h("dt", {}, t("shopper.lastVisit")), h("dd", {}, lastVisit)))),
      go);
    go.focus();
  }

  function showNewShopperForm(phoneDisplay) {
    const formError = h("p", { class: "form-error", role: "alert", id: "new-shopper-error" });
    const name = h("input", { id: "new-shopper-name", class: "input", autocomplete: "off", maxlength: 80, required: true });
    const email = h("input", { id: "new-shopper-email", class: "input", type: "email", inputmode: "email", autocomplete: "off", maxlength: 254 });
    const consent = h("input", { id: "new-shopper-consent", type: "checkbox", class: "checkbox" });
    const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg", id: "register-shopper", disabled: true }, t("shopper.register"));
    const refresh = () => {
      submit.disabled = !name.value.trim() || !consent.checked;
    };
    name.addEventListener("input", refresh);
    consent.addEventListener("change", refresh);

    async function onSubmit(event) {
      event.preventDefault();
      if (submit.disabled) return;
      submit.disabled = true;
      formError.textContent = "";
      const fields = { phone: digits, name: name.value.trim(), consent: true };
      if (email.value.trim()) fields.email = email.value.trim();
      try {
        const shopper = await registerIntent.run((key) => api.registerShopper(fields, key));
        if (shopper) proceed(shopper);
      } catch (err) {
        formError.textContent = app.errorText(err);
        refresh();
      }
    }

    replace(detail,
      h("form", { class: "new-shopper", id: "new-shopper-form", onsubmit: onSubmit, novalidate: true },
        h("p", { class: "eyebrow" }, t("shopper.new")),
        h("h3", {}, phoneDisplay),
        h("label", { for: "new-shopper-name", class: "field-label" }, t("shopper.name")),
        name,
        h("label", { for: "new-shopper-email", class: "field-label" }, t("shopper.email"), " ",
          h("span", { class: "optional" }, t("common.optional"))),
        email,
        h("label", { class: "consent", for: "new-shopper-consent" }, consent, h("span", {}, t("shopper.consent"))),
        formError,
        submit));
    name.focus();
  }

  async function skip() {
    skipButton.disabled = true;
    error.textContent = "";
    try {
      await skipIntent.run((key) => api.skipShopper(key));
      proceed(null);
    } catch (err) {
      error.textContent = app.errorText(err);
      skipButton.disabled = false;
    }
  }

  root.append(h("section", { class: "screen screen-shopper split", "aria-labelledby": "shopper-title" },
    h("div", { class: "panel phone-panel" },
      h("h2", { id: "shopper-title" }, t("shopper.title")),
      h("p", { class: "lead", id: "phone-label" }, t("shopper.lead")),
      display,
      error,
      pad.element,
      h("div", { class: "actions" }, skipButton, findButton)),
    h("div", { class: "side-stack" }, detail, pendingButton, historyButton)));
  draw();
  showHint();
  return listenForDigitKeys({ onKey, onEnter: lookup });
}
