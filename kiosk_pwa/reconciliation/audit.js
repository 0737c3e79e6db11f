// Who did what, when, on which file and line: the append-only reconciliation log.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah } from "../js/format.js";
import { errorText, toast } from "../backoffice/common.js";

const ACTIONS = { import: "Impor mutasi", import_failed: "Impor gagal", auto_match: "Cocok otomatis",
  propose: "Usulan cocok", confirm: "Konfirmasi", hand_match: "Cocok manual", unmatch: "Lepas cocok",
  sale: "Jadikan penjualan", mapping_saved: "Format CSV disimpan" };

export function mount(page) {
  const body = h("tbody", {});
  replace(page, h("section", { class: "panel" }, h("h2", {}, "Riwayat rekonsiliasi"),
    h("table", { class: "table" },
      h("thead", {}, h("tr", {}, ["Waktu", "Oleh", "Aksi", "Berkas & baris", "Pesanan"].map((t) => h("th", {}, t)))),
      body)));
  api.call("GET", "/reconciliation/audit").then(({ entries }) => {
    replace(body, entries.map((e) => h("tr", {},
      h("td", {}, e.at_label), h("td", {}, e.actor_name || e.actor), h("td", {}, ACTIONS[e.action] || e.action),
      h("td", {}, e.lines.length
        ? e.lines.map((l) => h("div", {}, `${l.file} baris ${l.line_number} (${formatRupiah(l.amount)})`))
        : e.file || ""),
      h("td", {}, e.orders.map((o) => h("div", {}, `${o.order_no} ${formatRupiah(o.amount)}`))))));
  }).catch((err) => toast(errorText(err), "error"));
  return null;
}
