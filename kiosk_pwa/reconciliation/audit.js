// Who did what, when, on which file and line: the append-only reconciliation log.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah } from "../js/format.js";
import { t } from "../js/i18n.js";
import { errorLine, errorText } from "../backoffice/common.js";

const ACTIONS = { import: "bo.recon.action.import", import_failed: "bo.recon.action.importFailed",
  auto_match: "bo.recon.action.autoMatch", propose: "bo.recon.action.propose", confirm: "bo.recon.action.confirm",
  hand_match: "bo.recon.action.handMatch", unmatch: "bo.recon.action.unmatch", sale: "bo.recon.action.sale",
  mapping_saved: "bo.recon.action.mappingSaved", balance_discontinuity: "bo.recon.action.balanceDiscontinuity",
  approval_required: "bo.recon.action.approvalRequired", approval_refused: "bo.recon.action.approvalRefused",
  approval_given: "bo.recon.action.approvalGiven",
  snap_connected: "bo.recon.action.snapConnected", snap_disconnected: "bo.recon.action.snapDisconnected" };
const REFUSALS = { missing: "bo.recon.audit.refusal.missing", same_person: "bo.recon.audit.refusal.samePerson",
  not_admin: "bo.recon.audit.refusal.notAdmin", wrong_pin: "bo.recon.audit.refusal.wrongPin",
  locked: "bo.recon.audit.refusal.locked" };

/** The second person behind a decision, or why one was refused: beside the action's name. */
function decision(e) {
  const d = e.detail || {};
  if (e.action === "approval_given") return t("bo.recon.audit.approvedFor", { name: d.for_name || d.for });
  if (e.action === "approval_refused" || e.action === "approval_required") {
    return REFUSALS[d.refusal] ? t(REFUSALS[d.refusal]) : d.refusal;
  }
  if (d.approval) return t("bo.recon.audit.approvedBy", { name: d.approval.approved_by_name || d.approval.approved_by });
  return null;
}

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
      h("td", {}, e.at_label), h("td", {}, e.actor_name || e.actor),
      h("td", {}, ACTIONS[e.action] ? t(ACTIONS[e.action]) : e.action,
        decision(e) ? h("div", { class: "row-meta" }, decision(e)) : null),
      h("td", {}, e.lines.length
        ? e.lines.map((l) => h("div", {}, t("bo.recon.audit.line", { file: l.file, line: l.line_number, amount: formatRupiah(l.amount) })))
        : e.file || ""),
      h("td", {}, e.orders.map((o) => h("div", {}, `${o.order_no} ${formatRupiah(o.amount)}`))))));
  }).catch((err) => { error.textContent = errorText(err); });
  return null;
}
