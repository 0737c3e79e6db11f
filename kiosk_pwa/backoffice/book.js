// Book Order: CS books goods for a chat customer (scan or search the items, customer, address,
// shipping, channel); the server reserves them at the CS desk and answers with the amount to
// transfer, kode unik included, and the deadline; the slip prints at the CS printer. Below, the
// open book orders count down to their deadline (on the server's clock) and can be cancelled.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { displayPhone, formatRupiah } from "../js/format.js";
import { ItemPicker, badge, countdown, errorText, openPdf, parseRupiah, phoneInput, rupiahInput, toast, when } from "./common.js";

const CHANNELS = { whatsapp: "WhatsApp", instagram: "Instagram", website: "Website", marketplace: "Marketplace",
  tiktok: "TikTok", other: "Lainnya" };
const STATUS = { BOOKED: "Dipesan", AWAITING_PAYMENT: "Dibayar di kasir", EXPIRED: "Kedaluwarsa", CANCELLED: "Dibatalkan" };
const REFRESH_MS = 15000;
const URGENT_SECONDS = 15 * 60;

let picker = null;

export function onScan(code) {
  picker?.add(code);
}

export function mount(root, me) {
  const intent = new api.Intent();
  const subtotal = h("strong", {}, formatRupiah(0));
  picker = new ItemPicker({ onChange: (lines) => {
    subtotal.textContent = formatRupiah(lines.reduce((sum, l) => sum + l.qty * l.price, 0));
    intent.reset(); // another basket is another booking
  } });
  const name = h("input", { class: "input", id: "bo-name", required: true, maxlength: 80, autocomplete: "off" });
  const phone = phoneInput({ id: "bo-phone", required: true });
  const address = h("textarea", { class: "input", id: "bo-address", required: true, maxlength: 400 });
  const shipping = rupiahInput({ id: "bo-shipping", value: "0" });
  const channel = h("select", { class: "input input-small", id: "bo-channel" },
    Object.entries(CHANNELS).map(([value, label]) => h("option", { value }, label)));
  const courier = h("input", { class: "input input-small", id: "bo-courier", maxlength: 40, placeholder: "mis. JNE REG" });
  const note = h("input", { class: "input input-small", id: "bo-note", maxlength: 200 });
  const accounts = me.store.bank_accounts || [];
  const account = h("select", { class: "input input-small", id: "bo-account" },
    accounts.map((a) => h("option", { value: a.account_no }, `${a.bank} ${a.account_no} a.n. ${a.holder}`)));
  const error = h("p", { class: "form-error", role: "alert" });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, "Pesan & cetak slip");
  const result = h("div", {});
  for (const field of [name, phone, address, shipping, channel, courier, note, account]) {
    field.addEventListener("input", () => intent.reset());
  }

  async function onSubmit(event) {
    event.preventDefault();
    error.textContent = "";
    const fee = parseRupiah(shipping.value || "0");
    if (!picker.lines.length) {
      error.textContent = "Tambahkan barang dulu.";
      return;
    }
    if (fee === null) {
      error.textContent = "Ongkir harus angka rupiah tanpa pecahan.";
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
        toast(`Book order ${order.order_no} dibuat.`);
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
    h("h2", {}, "Book order baru"),
    picker.el,
    h("p", {}, "Subtotal barang: ", subtotal),
    h("div", { class: "fields" },
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Nama pelanggan"), name),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Nomor HP"), phone),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Channel"), channel),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Ongkir (Rp)"), shipping),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Kurir"), courier),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Rekening tujuan"), account)),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Alamat pengiriman"), address),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Catatan"), note),
    accounts.length ? null : h("p", { class: "notice" }, "Rekening bank toko belum diatur: minta admin mengisinya."),
    error, submit, result);

  // ---- open book orders ----------------------------------------------------------------------
  const list = h("div", { class: "lines" });
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
    replace(list, open.length ? open.map(openCard) : h("p", { class: "empty" }, "Tidak ada book order yang menunggu pembayaran."));
    tick();
  }

  function tick() {
    const now = api.serverNowSeconds();
    for (const el of list.querySelectorAll("[data-deadline]")) {
      const left = Number(el.dataset.deadline) - now;
      el.textContent = left > 0 ? countdown(left) : "Waktu habis";
      el.classList.toggle("urgent", left > 0 && left < URGENT_SECONDS);
      el.classList.toggle("over", left <= 0);
    }
  }

  async function cancel(order, button) {
    if (!window.confirm(`Batalkan book order ${order.order_no} untuk ${order.customer.name}? Stok kembali tersedia.`)) return;
    button.disabled = true;
    try {
      await api.call("POST", `/book-orders/${order.order_id}/cancel`);
      toast(`${order.order_no} dibatalkan. Kembalikan barang ke gudang dengan scan retur.`);
    } catch (err) {
      toast(errorText(err), "error");
    }
    refresh();
  }

  function openCard(order) {
    const paying = order.hold?.status === "PAYING";
    const cancelButton = h("button", { type: "button", class: "btn btn-danger-outline" }, "Batalkan");
    cancelButton.addEventListener("click", () => cancel(order, cancelButton));
    return h("article", { class: "card", dataset: { order: order.order_id } },
      h("div", { class: "card-head" },
        h("h3", {}, order.order_no),
        paying ? badge("PAYING", "Sedang dibayar di kasir") : badge(order.status, STATUS[order.status] || order.status_label)),
      h("div", { class: "card-head" },
        h("div", {}, h("strong", {}, order.customer.name), ` · ${displayPhone(order.customer.phone)} · ${order.channel_label}`),
        h("span", { class: "countdown-big", dataset: { deadline: String(order.deadline) } })),
      h("div", {}, order.items.map((i) => `${i.qty} × ${i.sku}`).join(", ")),
      h("div", {}, "Transfer ", h("strong", {}, formatRupiah(order.amount_to_transfer)),
        ` (kode unik ${order.unique_code}) sebelum ${when(order.deadline)}`),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn btn-secondary", onclick: () => openPdf(`/book-orders/${order.order_id}/slip.pdf`)
          .catch((err) => toast(errorText(err), "error")) }, "Lihat slip"),
        paying ? null : cancelButton));
  }

  replace(root, h("div", { class: "grid-2" },
    form,
    h("section", { class: "panel" },
      h("div", { class: "toolbar" }, h("h2", {}, "Book order aktif"),
        h("button", { type: "button", class: "btn btn-secondary", onclick: refresh }, "Muat ulang")),
      list)));
  refresh();
  const refresher = setInterval(refresh, REFRESH_MS);
  const ticker = setInterval(tick, 1000);
  return () => { clearInterval(refresher); clearInterval(ticker); picker = null; };
}

function booked(order) {
  const amount = formatRupiah(order.amount_to_transfer);
  const code = String(order.unique_code).padStart(3, "0");
  return h("section", { class: "card", id: "booked" },
    h("div", { class: "card-head" }, h("h3", {}, `Book order ${order.order_no}`), badge(order.status, STATUS[order.status])),
    h("div", { class: "amount-transfer", "aria-label": `Jumlah transfer ${amount}` },
      amount.slice(0, -3), h("span", { class: "code" }, amount.slice(-3))),
    h("dl", { class: "summary" },
      h("dt", {}, "Subtotal"), h("dd", {}, formatRupiah(order.subtotal)),
      h("dt", {}, "Ongkir"), h("dd", {}, formatRupiah(order.shipping_fee)),
      h("dt", {}, "Kode unik"), h("dd", {}, code),
      h("dt", {}, "Rekening"), h("dd", {}, `${order.bank_account.bank} ${order.bank_account.account_no} a.n. ${order.bank_account.holder}`),
      h("dt", {}, "Bayar sebelum"), h("dd", {}, when(order.deadline)),
      h("dt", {}, "Slip"), h("dd", {}, order.slip_print === "DONE" ? "dikirim ke printer CS" : "antre untuk dicetak")),
    h("p", { class: "hint" }, "Pelanggan juga menerima pesan berisi jumlah, rekening dan batas waktu."));
}
