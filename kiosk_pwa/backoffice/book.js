// Book Order: CS books goods for a chat customer (scan or search the items, customer, delivery by
// courier with Cek ongkir or Ambil di toko, channel); a known phone fills the customer in. The
// server reserves the goods at the CS desk and answers with the amount to transfer, kode unik
// included, and the deadline (a COD order: what the courier collects); the slip prints at the CS
// printer. Below, the open book orders count down to their deadline (on the server's clock) and can
// be cancelled; a search finds any book order (expired and cancelled too) by number, phone or name.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { displayPhone, formatRupiah } from "../js/format.js";
import { t } from "../js/i18n.js";
import { DeliveryFields, watchKnownPhone } from "./book_delivery.js";
import {
  ItemPicker, attempt, badge, countdown, errorLine, errorText, openPdf, phoneInput, toast, when,
} from "./common.js";

const CHANNELS = { whatsapp: "WhatsApp", instagram: "Instagram", website: "Website", marketplace: "Marketplace",
  tiktok: "TikTok" }; // brand names: the same in every language
const STATUS = { BOOKED: "bo.book.status.booked", AWAITING_PAYMENT: "bo.book.status.awaitingPayment",
  EXPIRED: "bo.book.status.expired", CANCELLED: "bo.book.status.cancelled", PAID: "bo.book.status.paid",
  COMPLETED: "bo.book.status.completed" };
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
  let delivery = null; // below; the picker tells it when the basket changes (Cek ongkir weighs the basket)
  picker = new ItemPicker({ qtyRule: { max: MAX_QTY }, onChange: (lines) => {
    subtotal.textContent = formatRupiah(lines.reduce((sum, l) => sum + (l.qty ?? 0) * l.price, 0));
    intent.reset(); // another basket is another booking
    delivery?.itemsChanged();
  } });
  const name = h("input", { class: "input", id: "bo-name", required: true, maxlength: 80, autocomplete: "off" });
  const phone = phoneInput({ id: "bo-phone", required: true });
  const customerHint = h("p", { class: "hint", id: "bo-customer-hint", "aria-live": "polite" });
  const channel = h("select", { class: "input input-small", id: "bo-channel" },
    Object.entries(CHANNELS).map(([value, label]) => h("option", { value }, label)),
    h("option", { value: "other" }, t("bo.book.channelOther")));
  const note = h("input", { class: "input input-small", id: "bo-note", maxlength: 200 });
  const accounts = me.store.bank_accounts || [];
  const account = h("select", { class: "input input-small", id: "bo-account" },
    accounts.map((a) => h("option", { value: a.account_no }, accountLabel(a))));
  const accountField = h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.account")), account);
  delivery = new DeliveryFields({ items: () => picker.lines, onChange: () => intent.reset(),
    onCod: (cod) => { accountField.hidden = cod; } }); // COD: nothing is transferred
  const known = watchKnownPhone({ phone, name, delivery, hint: customerHint });
  const error = errorLine();
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, t("bo.book.submit"));
  const result = h("div", {});
  for (const field of [name, phone, channel, note, account]) {
    field.addEventListener("input", () => intent.reset());
  }

  async function onSubmit(event) {
    event.preventDefault();
    error.textContent = "";
    if (!picker.lines.length) {
      error.textContent = t("bo.common.addItemsFirst");
      return;
    }
    if (picker.refuse(error)) return;
    const how = delivery.body();
    if (how.problem) {
      error.textContent = how.problem;
      how.focus?.focus();
      return;
    }
    submit.disabled = true;
    try {
      const order = await intent.run((key) => api.call("POST", "/book-orders", { idempotencyKey: key, body: {
        items: picker.lines.map((l) => ({ sku: l.sku, qty: l.qty })), customer_name: name.value.trim(),
        phone: phone.value.trim(), channel: channel.value, note: note.value.trim() || null,
        account_no: how.body.cod ? null : account.value || null, ...how.body,
      } }));
      if (order) {
        replace(result, booked(order));
        toast(t("bo.book.created", { orderNo: order.order_no }));
        picker.clear();
        for (const field of [name, phone, note]) field.value = "";
        delivery.clear();
        known.reset();
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
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.phone")), phone),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.customerName")), name),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.channel")), channel),
      accountField),
    customerHint,
    delivery.el,
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.common.note")), note),
    accounts.length ? null : h("p", { class: "notice" }, t("bo.book.noAccounts")),
    error, submit, result);

  // ---- open book orders ----------------------------------------------------------------------
  const list = h("div", { class: "lines" });
  const actionError = errorLine(); // a cancel or a slip that did not work, until one does
  let open = [];
  // A search shows book orders in every state (expired and cancelled too) until CS goes back.
  let query = "";
  const listTitle = h("h2", {}, t("bo.book.openTitle"));
  const search = h("input", { class: "input", id: "bo-search", type: "search", autocomplete: "off",
    placeholder: t("bo.book.searchPlaceholder") });
  const back = h("button", { type: "button", class: "btn btn-link", hidden: true,
    onclick: () => { search.value = ""; find(); } }, t("bo.book.backToOpen"));
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      find();
    }
  });

  function find() {
    query = search.value.trim();
    listTitle.textContent = query ? t("bo.book.searchTitle", { q: query }) : t("bo.book.openTitle");
    back.hidden = !query;
    refresh();
  }

  async function refresh() {
    try {
      ({ book_orders: open } = await api.call("GET", query ? `/book-orders?q=${encodeURIComponent(query)}` : "/book-orders"));
      render();
    } catch (err) {
      replace(list, h("p", { class: "form-error" }, errorText(err)));
    }
  }

  function render() {
    const none = t(query ? "bo.book.searchNone" : "bo.book.noneOpen");
    replace(list, open.length ? open.map(openCard) : h("p", { class: "empty" }, none));
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
    if (order.cod) {
      // A COD order ends with its shipment: cancelled before the courier picks it up (also at Biteship).
      if (!window.confirm(t("bo.book.cancelCodConfirm", { orderNo: order.order_no }))) return;
      button.disabled = true;
      if (await attempt(actionError, () => api.call("POST", `/shipping/shipments/${order.order_id}/cancel`))) {
        toast(t("bo.book.cancelledCod", { orderNo: order.order_no }));
      }
      refresh();
      return;
    }
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
    const isBooked = order.status === "BOOKED";
    const isOpen = isBooked || order.status === "AWAITING_PAYMENT"; // still holding goods, a deadline to count to
    const cancelButton = h("button", { type: "button", class: "btn btn-danger-outline book-cancel" },
      t(order.cod ? "bo.book.cancelCod" : order.transfers_received > 0 ? "bo.book.cancelGiveBack" : "bo.common.cancelOrder"));
    cancelButton.addEventListener("click", () => cancel(order, cancelButton));
    // A COD order waits for the courier, not for a transfer: no countdown, what the courier collects.
    const waiting = isOpen && !order.cod ? h("span", { class: "countdown-big", dataset: { deadline: String(order.deadline) } }) : null;
    const money = order.cod
      ? h("div", {}, h("span", { class: "tag info" }, t("bo.book.codBadge")), " ",
        t("bo.book.codCollect"), " ", h("strong", {}, formatRupiah(order.cod_amount)))
      : h("div", {}, t("bo.book.transfer"), " ", h("strong", {}, formatRupiah(order.amount_to_transfer)),
        " ", isOpen ? t("bo.book.transferBefore", { code: order.unique_code, deadline: when(order.deadline) }) : "");
    return h("article", { class: "card", dataset: { order: order.order_id } },
      h("div", { class: "card-head" },
        h("h3", {}, order.order_no),
        paying ? badge("PAYING", t("bo.book.paying")) : badge(order.status, statusLabel(order))),
      h("div", { class: "card-head" },
        h("div", {}, h("strong", {}, order.customer.name), ` · ${displayPhone(order.customer.phone)} · ${order.channel_label}`),
        waiting),
      h("div", {}, order.items.map((i) => `${i.qty} × ${i.sku}`).join(", ")),
      money,
      deliveryLine(order),
      order.transfers_received > 0 ? h("div", { class: "notice book-part-paid" },
        t("bo.book.partPaid", { received: formatRupiah(order.transfers_received), left: formatRupiah(order.amount_left) })) : null,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn btn-secondary",
          onclick: () => attempt(actionError, () => openPdf(`/book-orders/${order.order_id}/slip.pdf`)) }, t("bo.book.viewSlip")),
        paying || !isBooked ? null : cancelButton));
  }

  replace(root, h("div", { class: "grid-2" },
    form,
    h("section", { class: "panel" },
      h("div", { class: "toolbar" }, listTitle,
        h("button", { type: "button", class: "btn btn-secondary", onclick: refresh }, t("bo.common.reload"))),
      h("div", { class: "inline" },
        h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.searchLabel")), search),
        h("button", { type: "button", class: "btn btn-secondary", onclick: find }, t("bo.book.search")), back),
      actionError, list)));
  refresh();
  const refresher = setInterval(refresh, REFRESH_MS);
  const ticker = setInterval(tick, 1000);
  return () => { clearInterval(refresher); clearInterval(ticker); picker = null; };
}

/** How the order reaches the customer: "Ambil di toko", or the courier, its ongkir and the courier's own rate. */
function deliveryLine(order) {
  if (order.pickup) return h("div", {}, h("span", { class: "tag" }, t("bo.book.deliveryPickup")));
  return h("div", {}, `${order.courier || t("bo.book.courier")} · ${t("bo.book.shipping")} ${formatRupiah(order.shipping_fee)}`,
    order.shipping_fee_differs
      ? [" ", h("span", { class: "tag warn" }, t("bo.book.courierRate", { price: formatRupiah(order.courier_price) }))]
      : null);
}

function booked(order) {
  if (order.cod) return bookedCod(order);
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
      h("dt", {}, t("bo.book.delivery")), h("dd", {}, deliveryLine(order)),
      h("dt", {}, t("bo.book.uniqueCode")), h("dd", {}, code),
      h("dt", {}, t("bo.book.accountShort")), h("dd", {}, accountLabel(order.bank_account)),
      h("dt", {}, t("bo.book.payBefore")), h("dd", {}, when(order.deadline)),
      h("dt", {}, t("bo.book.slip")), h("dd", {}, t(order.slip_print === "DONE" ? "bo.book.slipSent" : "bo.book.slipQueued"))),
    h("p", { class: "hint" }, t("bo.book.customerMessaged")));
}

/** A COD booking: nothing to transfer; the courier is booked now and collects the total on delivery. */
function bookedCod(order) {
  const amount = formatRupiah(order.cod_amount);
  return h("section", { class: "card", id: "booked" },
    h("div", { class: "card-head" }, h("h3", {}, t("bo.book.bookedTitle", { orderNo: order.order_no })),
      badge(order.status, statusLabel(order)), h("span", { class: "tag info" }, t("bo.book.codBadge"))),
    h("div", { class: "amount-transfer", "aria-label": t("bo.book.codAmountLabel", { amount }) }, amount),
    h("dl", { class: "summary" },
      h("dt", {}, t("bo.book.subtotal")), h("dd", {}, formatRupiah(order.subtotal)),
      h("dt", {}, t("bo.book.shipping")), h("dd", {}, formatRupiah(order.shipping_fee)),
      h("dt", {}, t("bo.book.delivery")), h("dd", {}, deliveryLine(order)),
      h("dt", {}, t("bo.book.slip")), h("dd", {}, t(order.slip_print === "DONE" ? "bo.book.slipSent" : "bo.book.slipQueued"))),
    h("p", { class: "hint" }, t("bo.book.codBooked")));
}

function accountLabel(a) {
  return t("bo.book.accountLabel", { bank: a.bank, number: a.account_no, holder: a.holder });
}
