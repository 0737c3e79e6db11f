// Buka / tutup kasir: open a shift with the opening float (kas awal), record cash in and out with a
// reason, and close it by counting the drawer. The expected totals per payment method come from the
// server; a selisih over the store's allowance needs an admin's PIN. The closing report prints on
// the receipt printer and can be downloaded again.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah, formatWib } from "../js/format.js";
import { boot, download, errorText, page, parseRupiah, rupiahInput, toast } from "./common.js";

const METHOD_LABELS = { CASH: "Tunai", QRIS: "QRIS", BANK_TRANSFER: "Transfer bank" };

let me = null;
// One Idempotency-Key per cashier intent, kept across retries of a lost answer.
const intents = { open: new api.Intent(), cash: new api.Intent(), close: new api.Intent() };

const when = (epoch) => (epoch ? formatWib(epoch, me.store.timezone) : "-");
const methodLabel = (m) => (m.issuer ? `${METHOD_LABELS[m.method] || m.method} – ${m.issuer}` : METHOD_LABELS[m.method] || m.method);

function signedRupiah(amount) {
  return amount > 0 ? `+${formatRupiah(amount)}` : formatRupiah(amount);
}

function differenceNote(amount) {
  if (amount > 0) return "kas LEBIH";
  if (amount < 0) return "kas KURANG";
  return "kas PAS";
}

function rows(pairs, totalIndex = -1) {
  return h("table", { class: "figures" }, h("tbody", {}, pairs.map(([label, value], i) =>
    h("tr", { class: i === totalIndex ? "total" : "" }, h("th", { scope: "row" }, label), h("td", { class: "num" }, value)))));
}

async function load() {
  try {
    const { shift } = await api.call("GET", "/shifts/current");
    if (shift) showShift(shift);
    else showOpen();
  } catch (err) {
    replace(page, h("p", { class: "form-error", role: "alert" }, errorText(err)));
  }
}

// ---- opening ------------------------------------------------------------------------------------

function showOpen(message = "") {
  const amount = rupiahInput({ id: "opening-float", required: true, value: "0" });
  const error = h("p", { class: "form-error", role: "alert" }, message);
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, "Buka kasir");
  replace(page, h("form", { class: "panel narrow", onsubmit: onSubmit },
    h("h2", {}, "Buka kasir"),
    h("p", { class: "lead" }, "Hitung uang di laci sebelum mulai berjualan."),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Kas awal (Rp)"), amount),
    error, submit));

  async function onSubmit(event) {
    event.preventDefault();
    const value = parseRupiah(amount.value);
    if (value === null) {
      error.textContent = "Isi kas awal dalam rupiah, tanpa pecahan.";
      return;
    }
    submit.disabled = true;
    try {
      const shift = await intents.open.run((key) => api.call("POST", "/shifts", { body: { opening_float: value }, idempotencyKey: key }));
      if (shift) showShift(shift);
    } catch (err) {
      error.textContent = errorText(err);
      submit.disabled = false;
    }
  }
}

// ---- an open shift ------------------------------------------------------------------------------

function showShift(shift) {
  const sales = shift.sales.by_method.map((m) => [`${methodLabel(m)} (${m.count} trx)`, formatRupiah(m.amount)]);
  sales.push([`Total (${shift.sales.count} trx)`, formatRupiah(shift.sales.total)]);
  const drawer = [
    ["Kas awal", formatRupiah(shift.opening_float)], ["Penjualan tunai", formatRupiah(shift.cash_sales)],
    ["Kas masuk", formatRupiah(shift.cash_in)], ["Kas keluar", formatRupiah(-shift.cash_out)],
    ["Kas seharusnya", formatRupiah(shift.expected_cash)],
  ];
  const movements = shift.movements.length
    ? h("ul", {}, shift.movements.map((m) => h("li", {}, `${when(m.at)} · ${m.reason} · ${signedRupiah(m.amount)}`)))
    : h("p", { class: "hint" }, "Belum ada kas masuk atau keluar.");
  replace(page,
    h("section", { class: "panel" },
      h("div", { class: "row" },
        h("h2", {}, `Shift ${shift.shift_code} · ${shift.staff_name}`),
        h("button", { type: "button", class: "btn btn-secondary", onclick: load }, "Muat ulang")),
      h("p", { class: "hint" }, `Dibuka ${when(shift.opened_at)}. Angka di bawah dihitung server dari transaksi `
        + "yang selesai di perangkat ini selama shift.")),
    h("div", { class: "grid-2" },
      h("section", { class: "panel" }, h("h2", {}, "Penjualan per metode"), rows(sales, sales.length - 1)),
      h("section", { class: "panel" }, h("h2", {}, "Kas di laci"), rows(drawer, drawer.length - 1),
        h("h3", {}, "Kas masuk / keluar"), movements)),
    h("div", { class: "grid-2" }, movementForm(shift), closeForm(shift)));
}

function movementForm(shift) {
  const direction = h("select", { class: "input", id: "cash-direction" },
    h("option", { value: "in" }, "Tunai masuk"), h("option", { value: "out" }, "Tunai keluar"));
  const amount = rupiahInput({ id: "cash-amount", required: true });
  const reason = h("input", { class: "input", id: "cash-reason", maxlength: 80, required: true,
    placeholder: "mis. tukar uang kecil, beli air galon" });
  const error = h("p", { class: "form-error", role: "alert" });
  const submit = h("button", { type: "submit", class: "btn btn-secondary" }, "Catat");
  return h("form", { class: "panel", onsubmit: onSubmit },
    h("h2", {}, "Kas masuk / keluar"),
    h("div", { class: "movement-form" },
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Jenis"), direction),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Jumlah (Rp)"), amount),
      h("label", { class: "field field-wide" }, h("span", { class: "field-label" }, "Alasan"), reason)),
    error, submit);

  async function onSubmit(event) {
    event.preventDefault();
    const value = parseRupiah(amount.value);
    if (!value) {
      error.textContent = "Isi jumlah dalam rupiah.";
      return;
    }
    submit.disabled = true;
    try {
      const body = { direction: direction.value, amount: value, reason: reason.value };
      const updated = await intents.cash.run((key) => api.call("POST", `/shifts/${shift.shift_id}/cash`, { body, idempotencyKey: key }));
      if (updated) {
        toast(direction.value === "in" ? "Tunai masuk dicatat." : "Tunai keluar dicatat.");
        showShift(updated);
      }
    } catch (err) {
      error.textContent = errorText(err);
      submit.disabled = false;
    }
  }
}

function closeForm(shift) {
  const counted = rupiahInput({ id: "counted-cash", required: true });
  const note = h("textarea", { class: "input", id: "close-note", maxlength: 300, rows: 2,
    placeholder: "Opsional, mis. alasan selisih" });
  const difference = h("p", { class: "difference", "aria-live": "polite" });
  const approval = h("div", { class: "approval", hidden: true });
  const admin = h("select", { class: "input", id: "approver" });
  const pin = h("input", { class: "input", id: "approver-pin", type: "password", inputmode: "numeric",
    autocomplete: "off", maxlength: 6, pattern: "[0-9]{6}" });
  replace(approval,
    h("p", { class: "notice" }, `Selisih melebihi batas toko (${formatRupiah(shift.allowance)}). Minta admin memasukkan PIN.`),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Admin"), admin),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "PIN admin"), pin));
  const error = h("p", { class: "form-error", role: "alert" });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, "Tutup kasir");

  let admins = null;
  async function needApproval(show) {
    approval.hidden = !show;
    pin.required = show;
    if (!show || admins) return;
    try {
      admins = (await api.loginChoices()).staff.filter((s) => s.role === "admin");
      replace(admin, admins.map((s) => h("option", { value: s.staff_id }, s.name)));
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  counted.addEventListener("input", () => {
    const value = parseRupiah(counted.value);
    if (value === null) {
      difference.textContent = "";
      return;
    }
    const selisih = value - shift.expected_cash;
    difference.textContent = `Selisih ${signedRupiah(selisih)} (${differenceNote(selisih)})`;
    difference.dataset.sign = selisih < 0 ? "minus" : selisih > 0 ? "plus" : "zero";
    needApproval(Math.abs(selisih) > shift.allowance);
  });

  async function onSubmit(event) {
    event.preventDefault();
    const value = parseRupiah(counted.value);
    if (value === null) {
      error.textContent = "Isi uang yang dihitung di laci.";
      return;
    }
    const body = { counted_cash: value, note: note.value.trim() || null };
    if (!approval.hidden) Object.assign(body, { approver_staff_id: admin.value, approver_pin: pin.value });
    submit.disabled = true;
    error.textContent = "";
    try {
      const closed = await intents.close.run((key) => api.call("POST", `/shifts/${shift.shift_id}/close`, { body, idempotencyKey: key }));
      if (closed) showClosed(closed);
    } catch (err) {
      submit.disabled = false;
      pin.value = "";
      if (err.code === "approval_required") {
        await needApproval(true);
        error.textContent = err.message;
      } else if (err.code === "shift_changed") {
        toast(err.message);
        await load();
      } else {
        error.textContent = errorText(err);
      }
    }
  }

  return h("form", { class: "panel", onsubmit: onSubmit },
    h("h2", {}, "Tutup kasir"),
    h("p", { class: "hint" }, `Kas seharusnya ${formatRupiah(shift.expected_cash)}. Hitung uang di laci, lalu isi di sini.`),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Kas dihitung (Rp)"), counted),
    difference,
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Catatan"), note),
    approval, error, submit);
}

// ---- closed -------------------------------------------------------------------------------------

function showClosed(shift) {
  const facts = [
    ["Kas seharusnya", formatRupiah(shift.expected_cash)], ["Kas dihitung", formatRupiah(shift.counted_cash)],
    ["Selisih", `${signedRupiah(shift.difference)} (${differenceNote(shift.difference)})`],
  ];
  if (shift.approved_by_name) facts.push(["Disetujui", `${shift.approved_by_name}, ${when(shift.approved_at)}`]);
  if (shift.note) facts.push(["Catatan", shift.note]);
  const error = h("p", { class: "form-error", role: "alert" });
  const reprint = h("button", { type: "button", class: "btn btn-secondary" }, "Cetak ulang");
  reprint.addEventListener("click", async () => {
    reprint.disabled = true;
    try {
      await api.call("POST", `/shifts/${shift.shift_id}/print`);
      toast("Laporan masuk antrean printer.");
    } catch (err) {
      error.textContent = errorText(err);
    }
    reprint.disabled = false;
  });
  const pdf = h("button", { type: "button", class: "btn btn-secondary" }, "Unduh PDF");
  pdf.addEventListener("click", () => download(`/shifts/${shift.shift_id}/report.pdf`, "tutup-kasir.pdf")
    .catch((err) => { error.textContent = errorText(err); }));
  replace(page, h("section", { class: "panel narrow" },
    h("h2", {}, `Shift ${shift.shift_code} ditutup`),
    h("p", { class: "lead" }, `${when(shift.opened_at)} – ${when(shift.closed_at)}`),
    rows(facts),
    h("p", { class: "hint" }, "Laporan tutup kasir masuk antrean printer struk. Simpan cetakannya bersama uang di laci."),
    h("div", { class: "actions" }, reprint, pdf,
      h("button", { type: "button", class: "btn btn-primary", onclick: () => showOpen() }, "Buka shift baru")),
    error));
  toast("Kasir ditutup.");
}

boot(async (who) => {
  me = who;
  await load();
});
