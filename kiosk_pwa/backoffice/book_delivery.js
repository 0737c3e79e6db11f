// The Book Order form's delivery and customer parts. Delivery: by courier (address, postal code,
// "Cek ongkir" asks the server, which asks the courier through our adapter; CS picks a service and
// the ongkir follows its rate, with a warning when CS types another amount; COD where the service
// collects it), or "Ambil di toko" (no address, no ongkir). Customer: a phone the store knows fills
// in the name and the address last used. The server checks all of it again; this only helps.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah } from "../js/format.js";
import { t } from "../js/i18n.js";
import { errorLine, errorText, parseRupiah, rupiahDigits, rupiahInput } from "./common.js";

const POSTAL = /^[1-9]\d{4}$/;
const LOOKUP_DELAY_MS = 400;

const field = (label, input, attrs = {}) =>
  h("label", { class: "field", ...attrs }, h("span", { class: "field-label" }, label), input);

/**
 * The delivery part of the form. `items()` gives the picker's lines (the parcel Cek ongkir weighs);
 * `onChange()` is told of every change (another booking), `onCod(cod)` when COD is switched.
 */
export class DeliveryFields {
  constructor({ items, onChange = () => {}, onCod = () => {} }) {
    this.items = items;
    this.onChange = onChange;
    this.onCod = onCod;
    this.rates = []; // the last answer of Cek ongkir, for this postal code and these items
    this.chosen = null; // the rate CS picked
    this.manual = false; // the store books couriers by hand: no rates, the courier is typed
    this.autoFilled = { address: null, postal: null };

    this.byCourier = h("input", { type: "radio", name: "bo-delivery", id: "bo-delivery-courier", value: "courier",
      checked: true });
    this.byPickup = h("input", { type: "radio", name: "bo-delivery", id: "bo-delivery-pickup", value: "pickup" });
    this.address = h("textarea", { class: "input", id: "bo-address", maxlength: 400 });
    this.postal = h("input", { class: "input input-small", id: "bo-postal", inputmode: "numeric", maxlength: 5,
      autocomplete: "off", placeholder: "40115" });
    this.fee = rupiahInput({ id: "bo-shipping", value: "0" });
    this.courier = h("input", { class: "input input-small", id: "bo-courier", maxlength: 40,
      placeholder: t("bo.book.courierPlaceholder") });
    this.cod = h("input", { type: "checkbox", id: "bo-cod", disabled: true });
    this.check = h("button", { type: "button", class: "btn btn-secondary", id: "bo-check-rates",
      onclick: () => this.checkRates() }, t("bo.book.checkRates"));
    this.ratesError = errorLine();
    this.ratesHead = h("p", { class: "hint" });
    this.rateList = h("div", { class: "lines", id: "bo-rates", role: "radiogroup", "aria-label": t("bo.book.rates") });
    this.feeWarning = h("p", { class: "notice", id: "bo-fee-warning", hidden: true });
    this.codHint = h("p", { class: "hint", hidden: true }, t("bo.book.codHint"));
    this.courierField = field(t("bo.book.courier"), this.courier, { hidden: true });

    for (const radio of [this.byCourier, this.byPickup]) radio.addEventListener("change", () => this.show());
    this.postal.addEventListener("input", () => {
      this.autoFilled.postal = null;
      this.forgetRates();
    });
    this.address.addEventListener("input", () => {
      this.autoFilled.address = null;
      this.onChange();
    });
    this.fee.addEventListener("input", () => {
      this.warnFee();
      this.onChange();
    });
    this.courier.addEventListener("input", () => this.onChange());
    this.cod.addEventListener("change", () => {
      this.codHint.hidden = !this.cod.checked;
      this.onCod(this.cod.checked);
      this.onChange();
    });

    this.courierPart = h("div", { class: "lines" },
      field(t("bo.book.address"), this.address),
      h("div", { class: "inline" },
        field(t("bo.book.postalCode"), this.postal),
        this.check),
      this.ratesError, this.ratesHead, this.rateList, this.courierField,
      h("div", { class: "inline" },
        field(t("bo.book.shippingFee"), this.fee),
        h("label", { class: "inline" }, this.cod, h("span", {}, t("bo.book.codOption")))),
      this.feeWarning, this.codHint);
    this.pickupPart = h("p", { class: "notice", hidden: true }, t("bo.book.pickupHint"));
    this.el = h("fieldset", { class: "lines", id: "bo-delivery" },
      h("legend", { class: "field-label" }, t("bo.book.delivery")),
      h("div", { class: "inline" },
        h("label", { class: "inline" }, this.byCourier, h("span", {}, t("bo.book.deliveryCourier"))),
        h("label", { class: "inline" }, this.byPickup, h("span", {}, t("bo.book.deliveryPickup")))),
      this.courierPart, this.pickupPart);
  }

  get pickup() {
    return this.byPickup.checked;
  }

  show() {
    this.courierPart.hidden = this.pickup;
    this.pickupPart.hidden = !this.pickup;
    if (this.pickup && this.cod.checked) {
      this.cod.checked = false;
      this.onCod(false);
    }
    this.codHint.hidden = !this.cod.checked;
    this.onChange();
  }

  /** The basket changed: rates asked for the old one no longer hold. */
  itemsChanged() {
    if (this.rates.length || this.chosen) this.forgetRates();
  }

  forgetRates() {
    this.rates = [];
    this.chosen = null;
    replace(this.rateList);
    this.ratesHead.textContent = "";
    this.ratesError.textContent = "";
    this.cod.checked = false;
    this.cod.disabled = true;
    this.codHint.hidden = true;
    this.onCod(false);
    this.warnFee();
    this.onChange();
  }

  async checkRates() {
    this.ratesError.textContent = "";
    const postal = this.postal.value.trim();
    if (!POSTAL.test(postal)) {
      this.ratesError.textContent = t("bo.book.needPostal");
      this.postal.focus();
      return;
    }
    const lines = this.items().filter((l) => l.qty);
    if (!lines.length) {
      this.ratesError.textContent = t("bo.common.addItemsFirst");
      return;
    }
    this.check.disabled = true;
    this.ratesHead.textContent = t("bo.book.checkingRates");
    try {
      const answer = await api.call("POST", "/shipping/rates", {
        body: { postal_code: postal, items: lines.map((l) => ({ sku: l.sku, qty: l.qty })) } });
      this.manual = false;
      this.courierField.hidden = true;
      this.rates = answer.couriers;
      this.chosen = null;
      this.ratesHead.textContent = t("bo.book.ratesFor", { postal: answer.postal_code,
        weight: `${answer.weight_g.toLocaleString("id-ID")} g` });
      replace(this.rateList, this.rates.length ? this.rates.map((rate) => this.rateChoice(rate))
        : h("p", { class: "empty" }, t("bo.book.noRates")));
    } catch (err) {
      this.ratesHead.textContent = "";
      if (err instanceof api.ApiError && err.code === "courier_not_integrated") {
        this.manual = true; // couriers are booked by hand: CS types the courier and the ongkir
        this.courierField.hidden = false;
      }
      this.ratesError.textContent = errorText(err);
    } finally {
      this.check.disabled = false;
      this.warnFee();
      this.onChange();
    }
  }

  rateChoice(rate) {
    const radio = h("input", { type: "radio", name: "bo-rate", value: `${rate.courier_company}/${rate.courier_type}` });
    radio.addEventListener("change", () => this.choose(rate));
    const text = [rate.label, rate.service_name, rate.duration, formatRupiah(rate.price)].filter(Boolean).join(" · ");
    return h("label", { class: "inline rate", dataset: { rate: `${rate.courier_company}/${rate.courier_type}` } },
      radio, h("span", {}, text), rate.cod ? h("span", { class: "tag info" }, t("bo.book.codBadge")) : null);
  }

  choose(rate) {
    this.chosen = rate;
    this.fee.value = rupiahDigits(rate.price);
    this.cod.disabled = !rate.cod;
    if (!rate.cod && this.cod.checked) {
      this.cod.checked = false;
      this.onCod(false);
    }
    this.codHint.hidden = !this.cod.checked;
    this.warnFee();
    this.onChange();
  }

  /** A warning while the customer's ongkir is not the chosen courier's rate (allowed: it is recorded). */
  warnFee() {
    const fee = parseRupiah(this.fee.value || "0");
    const differs = !this.pickup && this.chosen && fee !== null && fee !== this.chosen.price;
    this.feeWarning.hidden = !differs;
    this.feeWarning.textContent = differs ? t("bo.book.feeDiffers", { quote: formatRupiah(this.chosen.price) }) : "";
  }

  /** The customer's last address (from a known phone), unless CS has typed one. */
  fill({ address, postal_code: postal }) {
    if (address && (!this.address.value.trim() || this.address.value === this.autoFilled.address)) {
      this.address.value = address;
      this.autoFilled.address = address;
    }
    if (postal && (!this.postal.value.trim() || this.postal.value === this.autoFilled.postal)) {
      if (this.postal.value !== postal) this.forgetRates();
      this.postal.value = postal;
      this.autoFilled.postal = postal;
    }
  }

  /** The delivery part of the booking, or an error message (said in the form's error line) when incomplete. */
  body() {
    if (this.pickup) return { body: { delivery: "pickup", shipping_fee: 0, address: null, postal_code: null, cod: false } };
    const fee = parseRupiah(this.fee.value || "0");
    if (fee === null) return { problem: t("bo.book.badShippingFee") };
    if (!POSTAL.test(this.postal.value.trim())) return { problem: t("bo.book.needPostal"), focus: this.postal };
    const body = { delivery: "courier", address: this.address.value, postal_code: this.postal.value.trim(),
      shipping_fee: fee, cod: this.cod.checked };
    if (this.chosen) {
      Object.assign(body, { courier_company: this.chosen.courier_company, courier_type: this.chosen.courier_type });
    } else if (this.manual) {
      body.courier = this.courier.value.trim() || null;
    } else {
      return { problem: t("bo.book.pickCourier"), focus: this.check };
    }
    return { body };
  }

  clear() {
    this.address.value = "";
    this.postal.value = "";
    this.courier.value = "";
    this.fee.value = "0";
    this.autoFilled = { address: null, postal: null };
    this.byCourier.checked = true;
    this.forgetRates();
    this.show();
  }
}

/**
 * Typing a phone the store knows fills in the name (and, through `delivery.fill`, the address last
 * used) unless CS has typed them; `hint` says who it is (points, last order) or that the number is new.
 */
export function watchKnownPhone({ phone, name, delivery, hint }) {
  let timer = null;
  let asked = "";
  let autoName = null;
  name.addEventListener("input", () => { autoName = null; });

  async function look() {
    const typed = phone.value.trim();
    if (typed.replace(/\D/g, "").length < 10 || typed === asked) return;
    asked = typed;
    let found;
    try {
      found = await api.call("GET", `/book-orders/customer?phone=${encodeURIComponent(typed)}`);
    } catch {
      hint.textContent = ""; // not a number yet: nothing to say while it is typed
      return;
    }
    if (phone.value.trim() !== typed) return; // typed on meanwhile
    if (!found.known) {
      hint.textContent = t("bo.book.newCustomer");
      return;
    }
    if (found.name && (!name.value.trim() || name.value === autoName)) {
      name.value = found.name;
      autoName = found.name;
    }
    delivery.fill(found);
    const who = found.shopper
      ? t("bo.book.knownCustomer", { name: found.shopper.name, points: found.shopper.points_balance })
      : t("bo.book.knownChatCustomer", { name: found.name });
    const last = found.last_order ? ` ${t("bo.book.lastOrder", { orderNo: found.last_order.order_no })}` : "";
    hint.textContent = who + last;
  }

  phone.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(look, LOOKUP_DELAY_MS);
  });
  phone.addEventListener("change", () => {
    clearTimeout(timer);
    look();
  });
  return {
    reset() {
      asked = "";
      autoName = null;
      hint.textContent = "";
    },
  };
}
