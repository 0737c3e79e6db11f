// How to read another bank's CSV export: the columns of one account's file, saved per account.
// Built-in layouts (KlikBCA, BRI, Mandiri) need nothing here.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { errorText, toast } from "../backoffice/common.js";

const TEXT_FIELDS = [
  ["date", "Kolom tanggal", "Post Date"], ["description", "Kolom keterangan (pisahkan dengan koma)", "Description"],
  ["amount", "Kolom jumlah (satu kolom)", ""], ["direction", "Kolom arah D/K (bila ada)", ""],
  ["debit", "Kolom debet", "Debit"], ["credit", "Kolom kredit", "Credit"], ["balance", "Kolom saldo", ""],
  ["reference", "Kolom referensi", ""], ["date_format", "Format tanggal", "%d/%m/%Y"],
];

/** A column is its header text, or its 0-based position when the file has no header. */
const column = (value) => (/^\d+$/.test(value) ? Number(value) : value);

export function mount(page) {
  const account = h("select", { class: "input", id: "mapping-account" });
  const inputs = Object.fromEntries(TEXT_FIELDS.map(([name, , placeholder]) =>
    [name, h("input", { class: "input", placeholder, autocomplete: "off", id: `mapping-${name}` })]));
  const decimal = h("select", { class: "input" }, h("option", { value: "auto" }, "Otomatis"),
    h("option", { value: "." }, "Titik (1,234,567.00)"), h("option", { value: "," }, "Koma (1.234.567,00)"));
  const header = h("input", { type: "checkbox", checked: true });
  let accounts = [];

  const fill = () => {
    const m = accounts.find((a) => a.account_no === account.value)?.mapping || {};
    for (const [name, input] of Object.entries(inputs)) {
      const value = m[name];
      input.value = Array.isArray(value) ? value.join(", ") : value ?? "";
    }
    decimal.value = m.decimal || "auto";
    header.checked = m.has_header ?? true;
  };
  const save = async (event) => {
    event.preventDefault();
    const body = { decimal: decimal.value, has_header: header.checked };
    for (const [name, input] of Object.entries(inputs)) {
      const value = input.value.trim();
      if (!value) continue;
      body[name] = name === "description" ? value.split(",").map((v) => column(v.trim())).filter((v) => v !== "")
        : name === "date_format" ? value : column(value);
    }
    try {
      await api.call("PUT", `/reconciliation/mappings/${encodeURIComponent(account.value)}`, { body });
      toast("Format CSV tersimpan untuk rekening ini.");
      accounts = (await api.call("GET", "/reconciliation/mappings")).accounts;
    } catch (err) {
      toast(errorText(err), "error");
    }
  };
  account.addEventListener("change", fill);
  replace(page, h("form", { class: "panel", onsubmit: save },
    h("h2", {}, "Format CSV bank lain"),
    h("p", { class: "lead" }, "Untuk bank tanpa format bawaan: sebutkan judul kolom persis seperti di berkas "
      + "(atau nomor urut kolom, mulai 0). Isi kolom jumlah, atau kolom debet dan kredit."),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Rekening"), account),
    h("div", { class: "fields" },
      TEXT_FIELDS.map(([name, label]) => h("label", { class: "field" }, h("span", { class: "field-label" }, label), inputs[name])),
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Pemisah desimal"), decimal),
      h("label", { class: "inline" }, header, "Berkas punya baris judul")),
    h("button", { type: "submit", class: "btn btn-primary btn-lg" }, "Simpan format")));
  api.call("GET", "/reconciliation/mappings").then((data) => {
    accounts = data.accounts;
    replace(account, accounts.map((a) => h("option", { value: a.account_no }, `${a.bank} ${a.account_no} (${a.holder})`)));
    fill();
  }).catch((err) => toast(errorText(err), "error"));
  return null;
}
