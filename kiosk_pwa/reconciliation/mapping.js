// How to read another bank's CSV export: the columns of one account's file, saved per account.
// Built-in layouts (KlikBCA, BRI, Mandiri) need nothing here.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { attempt, errorLine, errorText, toast } from "../backoffice/common.js";

const TEXT_FIELDS = [
  ["date", "bo.recon.mapping.date", "Post Date"], ["description", "bo.recon.mapping.description", "Description"],
  ["amount", "bo.recon.mapping.amount", ""], ["direction", "bo.recon.mapping.direction", ""],
  ["debit", "bo.recon.mapping.debit", "Debit"], ["credit", "bo.recon.mapping.credit", "Credit"],
  ["balance", "bo.recon.mapping.balance", ""], ["reference", "bo.recon.mapping.reference", ""],
  ["date_format", "bo.recon.mapping.dateFormat", "%d/%m/%Y"],
];

/** A column is its header text, or its 0-based position when the file has no header. */
const column = (value) => (/^\d+$/.test(value) ? Number(value) : value);

export function mount(page) {
  const account = h("select", { class: "input", id: "mapping-account" });
  const inputs = Object.fromEntries(TEXT_FIELDS.map(([name, , placeholder]) =>
    [name, h("input", { class: "input", placeholder, autocomplete: "off", id: `mapping-${name}` })]));
  const decimal = h("select", { class: "input" }, h("option", { value: "auto" }, t("bo.recon.mapping.auto")),
    h("option", { value: "." }, t("bo.recon.mapping.point")), h("option", { value: "," }, t("bo.recon.mapping.comma")));
  const header = h("input", { type: "checkbox", checked: true });
  const error = errorLine();
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
    const saved = await attempt(error, async () => {
      await api.call("PUT", `/reconciliation/mappings/${encodeURIComponent(account.value)}`, { body });
      accounts = (await api.call("GET", "/reconciliation/mappings")).accounts;
      return true;
    });
    if (saved) toast(t("bo.recon.mapping.saved"));
  };
  account.addEventListener("change", fill);
  replace(page, h("form", { class: "panel", onsubmit: save },
    h("h2", {}, t("bo.recon.mapping.title")),
    h("p", { class: "lead" }, t("bo.recon.mapping.lead")),
    h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.book.accountShort")), account),
    h("div", { class: "fields" },
      TEXT_FIELDS.map(([name, key]) => h("label", { class: "field" }, h("span", { class: "field-label" }, t(key)), inputs[name])),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.recon.mapping.decimal")), decimal),
      h("label", { class: "inline" }, header, t("bo.recon.mapping.hasHeader"))),
    error,
    h("button", { type: "submit", class: "btn btn-primary btn-lg" }, t("bo.recon.mapping.submit"))));
  api.call("GET", "/reconciliation/mappings").then((data) => {
    accounts = data.accounts;
    replace(account, accounts.map((a) => h("option", { value: a.account_no }, `${a.bank} ${a.account_no} (${a.holder})`)));
    fill();
  }).catch((err) => { error.textContent = errorText(err); });
  return null;
}
