// Book Order: CS books goods for a chat customer (scan or search the items, customer, address,
// shipping, channel); the server reserves them at the CS desk and answers with the amount to
// transfer, kode unik included, and the deadline; the slip prints at the CS printer. Below, the
// open book orders count down to their deadline (on the server's clock) and can be cancelled.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { displayPhone, formatRupiah } from "../js/format.js";
import { t } from "../js/i18n.js";
import {
  ItemPicker, attempt, badge, countdown, errorLine, errorText, openPdf, parseRupiah, phoneInput, rupiahInput, toast, when,
} from "./common.js";

const CHANNELS = { whatsapp: "WhatsApp", instagram: "Instagram", website: "Website", marketplace: "Marketplace",
  tiktok: "TikTok" }; // brand names: the same in every language
const STATUS = { BOOKED: "bo.book.status.booked", AWAITING_PAYMENT: "bo.book.status.awaitingPayment",
  EXPIRED: "bo.book.status.expired", CANCELLED: "bo.book.status.cancelled" };
const statusLabel = (order) => (STATUS[order.status] ? t(STATUS[order.status]) : order.status_label || order.status);
const REFRESH_MS = 15000;
const MAX_QTY = 999; // of one item in one order (the server's limit)
const URGENT_SECONDS = 15 * 60;

let picker = null;

export function onScan(code) {
  picker?.add(code);
}

export function mount(root, me) {
  const intent = new api.Intent();
  const subtotal = h("strong", {}, formatRupiah(0));
  picker = new ItemPicker({ qtyRule: { max: MAX_QTY }, onChange: (lines) => {
    subtotal.textContent = formatRupiah(lines.reduce((sum, l) => sum + (l.qty ?? 0) * l.price, 0));
    intent.reset(); // another basket is another booking
  } });
  const name = h("input", { class: "input", id: "bo-name", required: true, maxlength: 80, autocomplete: "off" });
  const phone = phoneInput({ id: "bo-phone", required: true });
  const address = h("textarea", { class: "input", id: "bo-address", required: true, maxlength: 400 });
  const shipping = rupiahInput({ id: "bo-shipping", value: "0" });
  const channel = h("select", { class: "input input-small", id: "bo-channel" },
    Object.entries(CHANNELS).map(([value, label]) => h("option", { value }, label)),
    h("option", { value: "other" }, t("bo.book.channelOther")));
  const courier = h("input", { class: "input input-small", id: "bo-courier", maxlength: 40, placeholder: t("bo.book.courierPlaceholder") });
  const note = h("input", { class: "input input-small", id: "bo-note", maxlength: 200 });
  const accounts = me.store.bank_accounts || [];
  const account = h("select", { class: "input input-small", id: "bo-account" },
    accounts.map((a) => h("option", { value: a.account_no }, accountLabel(a))));
  const error = errorLine();
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, t("bo.book.submit"));
  const result = h("div", {});
  for (const field of [name, phone, address, shipping, channel, courier, note, account]) {
    field.addEventListener("input", () => intent.reset());
  }

  async function onSubmit(event) {
    event.preventDefault();
    error.textContent = "";
    const fee = parseRupiah(shipping.value || "0");
    if (!picker.lines.length) {
      error.textContent = t("bo.common.addItemsFirst");
      return;
    }
    if (picker.refuse(error)) return;
    if (fee === null) {
      error.textContent = t("bo.book.badShippingFee");
      return;
    }
    submit.disabled = true;
    try {
      const order = await intent.run((key) => api.call("POST", "/book-orders", { idempotencyKey: key, body: {
        items: picker.lines.map((l) => ({ sku: l.sku, qty: l.qty })), customer_name: name.value.trim(),
        phone: phone.value.trim(), address: address.value, shipping_fee: fee, channel: channel.value,
        courier: courier.value.trim() || null, note: note.value.trim() || null, account_no: account.value || null,
      } }));
      if (order) {
        replace(result, booked(order));
        toast(t("bo.book.created", { orderNo: order.order_no }));
        picker.clear();
        for (const field of [name, phone, address, courier, note]) field.value = "";
        shipping.value = "0";
        refresh();
      }
    } catch (err) {
      error.textContent = errorText(err);
    } finally {
      submit.disabled = false;
    }
  }

  const form = h("form", { class: "panel", onsubmit: onSubmit },
    h("h2", {}, t("bo.book.newTitle")),
    picker.el,
    h("p", {}, t("bo.book.itemsSubtotal"), " ", subtotal),
    h("div", { class: "fields" },
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.customerName")), name),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.phone")), phone),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.channel")), channel),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.shippingFee")), shipping),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.courier")), courier),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.account")), account)),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.address")), address),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.common.note")), note),
    accounts.length ? null : h("p", { class: "notice" }, t("bo.book.noAccounts")),
    error, submit, result);

  // ---- open book orders ----------------------------------------------------------------------
  const list = h("div", { class: "lines" });
  const actionError = errorLine(); // a cancel or a slip that did not work, until one does
  let open = [];

  async function refresh() {
    try {
      ({ book_orders: open } = await api.call("GET", "/book-orders"));
      render();
    } catch (err) {
      replace(list, h("p", { class: "form-error" }, errorText(err)));
    }
  }

  function render() {
    replace(list, open.length ? open.map(openCard) : h("p", { class: "empty" }, t("bo.book.noneOpen")));
    tick();
  }

  function tick() {
    const now = api.serverNowSeconds();
    for (const el of list.querySelectorAll("[data-deadline]")) {
      const left = Number(el.dataset.deadline) - now;
      el.textContent = left > 0 ? countdown(left) : t("bo.book.timeUp");
      el.classList.toggle("urgent", left > 0 && left < URGENT_SECONDS);
      el.classList.toggle("over", left <= 0);
    }
  }

  async function cancel(order, button) {
    // An order that has received part of its money by transfer is cancelled together with giving it
    // back (Mutasi Bank's refund list); the server refuses a plain cancel of such an order.
    const withMoney = order.transfers_received > 0;
    const question = withMoney
      ? t("bo.book.cancelGiveBackConfirm", { orderNo: order.order_no, amount: formatRupiah(order.transfers_received) })
      : t("bo.book.cancelConfirm", { orderNo: order.order_no, name: order.customer.name });
    if (!window.confirm(question)) return;
    button.disabled = true;
    const path = withMoney ? `/reconciliation/orders/${order.order_id}/cancel` : `/book-orders/${order.order_id}/cancel`;
    if (await attempt(actionError, () => api.call("POST", path))) {
      toast(t(withMoney ? "bo.book.cancelledGiveBack" : "bo.book.cancelled", { orderNo: order.order_no }));
    }
    refresh();
  }

  function openCard(order) {
    const paying = order.hold?.status === "PAYING";
    const cancelButton = h("button", { type: "button", class: "btn btn-danger-outline book-cancel" },
      t(order.transfers_received > 0 ? "bo.book.cancelGiveBack" : "bo.common.cancelOrder"));
    cancelButton.addEventListener("click", () => cancel(order, cancelButton));
    return h("article", { class: "card", dataset: { order: order.order_id } },
      h("div", { class: "card-head" },
        h("h3", {}, order.order_no),
        paying ? badge("PAYING", t("bo.book.paying")) : badge(order.status, statusLabel(order))),
      h("div", { class: "card-head" },
        h("div", {}, h("strong", {}, order.customer.name), ` · ${displayPhone(order.customer.phone)} · ${order.channel_label}`),
        h("span", { class: "countdown-big", dataset: { deadline: String(order.deadline) } })),
      h("div", {}, order.items.map((i) => `${i.qty} × ${i.sku}`).join(", ")),
      h("div", {}, t("bo.book.transfer"), " ", h("strong", {}, formatRupiah(order.amount_to_transfer)),
        " ", t("bo.book.transferBefore", { code: order.unique_code, deadline: when(order.deadline) })),
      order.transfers_received > 0 ? h("div", { class: "notice book-part-paid" },
        t("bo.book.partPaid", { received: formatRupiah(order.transfers_received), left: formatRupiah(order.amount_left) })) : null,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn btn-secondary",
          onclick: () => attempt(actionError, () => openPdf(`/book-orders/${order.order_id}/slip.pdf`)) }, t("bo.book.viewSlip")),
        paying ? null : cancelButton));
  }

  replace(root, h("div", { class: "grid-2" },
    form,
    h("section", { class: "panel" },
      h("div", { class: "toolbar" }, h("h2", {}, t("bo.book.openTitle")),
        h("button", { type: "button", class: "btn btn-secondary", onclick: refresh }, t("bo.common.reload"))),
      actionError, list)));
  refresh();
  const refresher = setInterval(refresh, REFRESH_MS);
  const ticker = setInterval(tick, 1000);
  return () => { clearInterval(refresher); clearInterval(ticker); picker = null; };
}

function booked(order) {
  const amount = formatRupiah(order.amount_to_transfer);
  const code = String(order.unique_code).padStart(3, "0");
  return h("section", { class: "card", id: "booked" },
    h("div", { class: "card-head" }, h("h3", {}, t("bo.book.bookedTitle", { orderNo: order.order_no })),
      badge(order.status, statusLabel(order))),
    h("div", { class: "amount-transfer", "aria-label": t("bo.book.amountLabel", { amount }) },
      amount.slice(0, -3), h("span", { class: "code" }, amount.slice(-3))),
    h("dl", { class: "summary" },
      h("dt", {}, t("bo.book.subtotal")), h("dd", {}, formatRupiah(order.subtotal)),
      h("dt", {}, t("bo.book.shipping")), h("dd", {}, formatRupiah(order.shipping_fee)),
      h("dt", {}, t("bo.book.uniqueCode")), h("dd", {}, code),
      h("dt", {}, t("bo.book.accountShort")), h("dd", {}, accountLabel(order.bank_account)),
      h("dt", {}, t("bo.book.payBefore")), h("dd", {}, when(order.deadline)),
      h("dt", {}, t("bo.book.slip")), h("dd", {}, t(order.slip_print === "DONE" ? "bo.book.slipSent" : "bo.book.slipQueued"))),
    h("p", { class: "hint" }, t("bo.book.customerMessaged")));
}

function accountLabel(a) {
  return t("bo.book.accountLabel", { bank: a.bank, number: a.account_no, holder: a.holder });
}
