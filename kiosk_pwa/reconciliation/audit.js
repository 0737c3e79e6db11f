// Who did what, when, on which file and line: the append-only reconciliation log.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah } from "../js/format.js";
import { t } from "../js/i18n.js";
import { errorLine, errorText } from "../backoffice/common.js";

const ACTIONS = { import: "bo.recon.action.import", import_failed: "bo.recon.action.importFailed",
  auto_match: "bo.recon.action.autoMatch", propose: "bo.recon.action.propose", confirm: "bo.recon.action.confirm",
  hand_match: "bo.recon.action.handMatch", unmatch: "bo.recon.action.unmatch", sale: "bo.recon.action.sale",
  mapping_saved: "bo.recon.action.mappingSaved" };

export function mount(page) {
  const body = h("tbody", {});
  const error = errorLine();
  replace(page, h("section", { class: "panel" }, h("h2", {}, t("bo.recon.audit.title")), error,
    h("table", { class: "table" },
      h("thead", {}, h("tr", {}, ["bo.stock.at", "bo.stock.by", "bo.recon.audit.action", "bo.recon.audit.lines",
        "bo.recon.audit.orders"].map((key) => h("th", {}, t(key))))),
      body)));
  api.call("GET", "/reconciliation/audit").then(({ entries }) => {
    replace(body, entries.map((e) => h("tr", {},
      h("td", {}, e.at_label), h("td", {}, e.actor_name || e.actor), h("td", {}, ACTIONS[e.action] ? t(ACTIONS[e.action]) : e.action),
      h("td", {}, e.lines.length
        ? e.lines.map((l) => h("div", {}, t("bo.recon.audit.line", { file: l.file, line: l.line_number, amount: formatRupiah(l.amount) })))
        : e.file || ""),
      h("td", {}, e.orders.map((o) => h("div", {}, `${o.order_no} ${formatRupiah(o.amount)}`))))));
  }).catch((err) => { error.textContent = errorText(err); });
  return null;
}
