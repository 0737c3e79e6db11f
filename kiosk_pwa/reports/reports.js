// Laporan harian dan bulanan: the store's figures for a day or a month (store time), charts of
// sales by hour and by day of the month, and the CSV / PDF downloads. For CS and admins.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah, groupThousands } from "../js/format.js";
import { barChart, boot, download, errorText, page } from "./common.js";

const MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
  "Oktober", "November", "Desember"];
const READERS = new Set(["cs", "admin"]);

let me = null;
const state = { mode: "day", day: "", month: "" };

const rupiah = (n) => (n === null || n === undefined ? "–" : formatRupiah(n));
const count = (n) => groupThousands(n);
/** 0.125 -> "12,5%", 0.5 -> "50%"; mirrors documents/formatting.py format_percent. */
const percent = (f) => {
  if (f === null || f === undefined) return "–";
  const value = Math.round(f * 1000) / 10;
  return `${Number.isInteger(value) ? value : value.toFixed(1).replace(".", ",")}%`;
};

/** Today in the store's timezone as YYYY-MM-DD (en-CA writes dates that way). */
function storeToday() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: me.store.timezone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date());
}

function periodLabel(report) {
  if (report.kind === "day") {
    const [y, m, d] = report.date.split("-");
    return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
  }
  const [y, m] = report.month.split("-");
  return `${MONTHS[Number(m) - 1]} ${y}`;
}

// ---- building blocks ----------------------------------------------------------------------------

function figureTable(title, rows) {
  return h("section", { class: "panel" }, h("h2", {}, title),
    h("table", { class: "figures" }, h("tbody", {},
      rows.map(([label, value]) => h("tr", {}, h("th", { scope: "row" }, label), h("td", { class: "num" }, value))))));
}

function listTable(title, headers, rows, total = null, empty = "Belum ada data.") {
  if (!rows.length) return h("section", { class: "panel" }, h("h2", {}, title), h("p", { class: "hint" }, empty));
  const cell = (value, i) => h("td", { class: i ? "num" : "" }, value);
  return h("section", { class: "panel" }, h("h2", {}, title),
    h("table", { class: "figures" },
      h("thead", {}, h("tr", {}, headers.map((x, i) => h("th", { class: i ? "num" : "", scope: "col" }, x)))),
      h("tbody", {}, rows.map((row) => h("tr", {}, row.map(cell))),
        total ? h("tr", { class: "total" }, total.map(cell)) : null)));
}

function headline(report) {
  const items = [
    ["Penjualan bersih", rupiah(report.sales.net)], ["Transaksi", count(report.sales.count)],
    ["Rata-rata transaksi", rupiah(report.sales.average_ticket)], ["Pembeli ulang", percent(report.o2o.repeat_rate)],
  ];
  return h("div", { class: "headline" }, items.map(([label, value]) =>
    h("div", { class: "figure" }, h("div", { class: "figure-label" }, label), h("div", { class: "figure-value" }, value))));
}

function chart(report) {
  if (report.kind === "day") {
    const hours = report.sales.by_hour;
    return h("section", { class: "panel" }, h("h2", {}, "Penjualan bersih per jam"),
      barChart("Penjualan bersih per jam", hours.map((x) => String(x.hour).padStart(2, "0")), hours.map((x) => x.net),
        { labelEvery: 2 }));
  }
  return h("section", { class: "panel" }, h("h2", {}, "Penjualan bersih per hari"),
    barChart("Penjualan bersih per hari", report.days.map((d) => String(Number(d.date.slice(8)))),
      report.days.map((d) => d.net)));
}

function sections(report) {
  const s = report.sales;
  const b = report.book_orders;
  const d = report.drop_orders;
  const sh = report.shipments;
  const o = report.o2o;
  return [
    h("div", { class: "grid-2" },
      figureTable("Penjualan", [
        ["Jumlah transaksi", count(s.count)], ["Penjualan kotor", rupiah(s.gross)], ["Diskon", rupiah(s.discounts)],
        ["Penjualan bersih", rupiah(s.net)], ["Ongkir & kode unik", rupiah(s.shipping_and_codes)],
        ["Uang diterima", rupiah(s.collected)], ["Penjualan toko", `${rupiah(s.store.net)} (${count(s.store.count)} trx)`],
        ["Dari Book Order", `${rupiah(s.from_book_orders.net)} (${count(s.from_book_orders.count)} trx)`],
        ["Bayar terlambat diselesaikan", count(s.late_completed)],
      ]),
      h("div", {},
        listTable("Per metode bayar", ["Metode", "Transaksi", "Nilai"],
          s.by_method.map((m) => [m.label, count(m.count), rupiah(m.amount)]),
          s.by_method.length ? ["Total", count(s.count), rupiah(s.collected)] : null, "Belum ada penjualan."),
        listTable("QRIS per penerbit", ["Penerbit", "Transaksi", "Nilai"],
          s.by_issuer.map((i) => [i.issuer, count(i.count), rupiah(i.amount)]), null, "Belum ada pembayaran QRIS.")),
      figureTable("O2O", [
        ["Volume transaksi", count(o.transactions)], ["Nilai rata-rata transaksi", rupiah(o.average_value)],
        ["Transaksi dengan pembeli", count(o.linked)], ["Transaksi pembeli ulang", count(o.repeat)],
        ["Tingkat pembeli ulang", percent(o.repeat_rate)], ["GMV toko", rupiah(o.gmv_store)],
        ["GMV chat (Book Order)", rupiah(o.gmv_chat)], ["Porsi GMV chat", percent(o.chat_share)],
      ]),
      figureTable("Book Order", [
        ["Dibuat", `${count(b.created)} (${rupiah(b.created_amount)})`], ["Dibayar", `${count(b.paid)} (${rupiah(b.paid_amount)})`],
        ["Dibatalkan", count(b.cancelled)], ["Kedaluwarsa", count(b.expired)],
        ["Bayar terlambat", `${count(b.late)} (${rupiah(b.late_amount)})`],
      ]),
      figureTable("Drop Order", [
        ["Diminta", `${count(d.created)} (${count(d.created_qty)} pcs)`],
        ["Diserahkan ke CS", `${count(d.handed)} (${count(d.handed_qty)} pcs)`],
        ["Dikembalikan", `${count(d.returned)} (${count(d.returned_qty)} pcs)`], ["Dibatalkan", count(d.cancelled)],
      ]),
      figureTable("Pengiriman", [
        ["Diminta", count(sh.requested)], ["Resi terbit", count(sh.awb)], ["Dikirim", count(sh.shipped)],
        ["Dibatalkan", count(sh.cancelled)], ["Menunggu resi (saat ini)", count(sh.waiting_awb_now)],
      ])),
    listTable("Per kasir", ["Kasir", "Transaksi", "Terhubung", "Pembeli baru", "Penjualan bersih", "Rata-rata"],
      report.cashiers.map((c) => [c.name, count(c.transactions), percent(c.link_rate), count(c.registered),
        rupiah(c.net), rupiah(c.average_ticket)]), null, "Belum ada transaksi kasir."),
  ];
}

// ---- the page -----------------------------------------------------------------------------------

async function show() {
  const path = state.mode === "day" ? `/reports/day?date=${state.day}` : `/reports/month?month=${state.month}`;
  const body = h("div", { class: "report", "aria-busy": "true" }, h("p", { class: "hint" }, "Memuat laporan…"));
  replace(page, toolbar(), body);
  try {
    const report = await api.call("GET", path);
    replace(body, h("p", { class: "lead" }, `${report.kind === "day" ? "Laporan harian" : "Laporan bulanan"} · `
      + `${periodLabel(report)} (${me.store.timezone})`), headline(report), chart(report), sections(report));
  } catch (err) {
    replace(body, h("p", { class: "form-error", role: "alert" }, errorText(err)));
  }
  body.removeAttribute("aria-busy");
}

function toolbar() {
  const tab = (mode, label) => h("button", {
    type: "button", class: "btn btn-secondary tab", role: "tab", "aria-selected": String(state.mode === mode),
    onclick: () => { state.mode = mode; show(); },
  }, label);
  const picker = state.mode === "day"
    ? h("input", { class: "input", type: "date", value: state.day, max: storeToday(), "aria-label": "Tanggal" })
    : h("input", { class: "input", type: "month", value: state.month, max: storeToday().slice(0, 7), "aria-label": "Bulan" });
  picker.addEventListener("change", () => {
    if (!picker.value) return;
    state[state.mode] = picker.value;
    show();
  });
  const query = () => (state.mode === "day" ? `date=${state.day}` : `month=${state.month}`);
  const save = (extension) => {
    const button = h("button", { type: "button", class: "btn btn-secondary" }, `Unduh ${extension.toUpperCase()}`);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await download(`/reports/${state.mode}.${extension}?${query()}`, `laporan.${extension}`);
      } catch (err) {
        alertBox.textContent = errorText(err);
      }
      button.disabled = false;
    });
    return button;
  };
  const alertBox = h("p", { class: "form-error", role: "alert" });
  return h("section", { class: "panel" },
    h("div", { class: "toolbar" },
      h("div", { class: "tabs", role: "tablist" }, tab("day", "Harian"), tab("month", "Bulanan")),
      picker, save("csv"), save("pdf")),
    alertBox);
}

boot(async (who) => {
  me = who;
  if (!READERS.has(me.role)) {
    replace(page, h("section", { class: "panel narrow" },
      h("h2", {}, "Laporan untuk CS dan admin"),
      h("p", { class: "lead" }, "Kasir melihat rekap penjualannya di halaman tutup kasir."),
      h("a", { class: "btn btn-primary btn-lg", href: "shift.html" }, "Buka / tutup kasir")));
    return;
  }
  state.day = storeToday();
  state.month = state.day.slice(0, 7);
  await show();
});
