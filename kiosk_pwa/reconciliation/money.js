// Uang & Pengembalian: where every credit of a day stands, and the money that pays no order.
// The day's check (credits = matched to sales + given back + set aside + waiting, each part summed
// by the server on its own), the refund list (a cancelled order's transfers, the rest of a row),
// the rows set aside with their reason, and what was given back with its transfer reference.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatWib } from "../js/format.js";
import { t } from "../js/i18n.js";
import { errorLine, errorText, rupiahDigits, session, toast } from "../backoffice/common.js";
import { rowSummary } from "./review.js";
import { opener, refundForm } from "./rowactions.js";

const tz = () => session.me?.store?.timezone || "Asia/Jakarta";

function today() {
  const p = new Intl.DateTimeFormat("en-CA", { timeZone: tz(), year: "numeric", month: "2-digit", day: "2-digit" });
  return p.format(new Date(api.serverNowSeconds() * 1000));
}

function checkCard(check) {
  const part = (key, value, id) => h("div", { class: "money-part", id }, h("dt", {}, t(key)), h("dd", {}, value));
  const waitingParts = [
    ["bo.recon.money.unmatched", check.labels.unmatched, check.unmatched],
    ["bo.recon.money.proposed", check.labels.proposed, check.proposed],
    ["bo.recon.money.partPaid", check.labels.part_paid, check.part_paid],
    ["bo.recon.money.toRefund", check.labels.to_refund, check.to_refund],
  ].filter(([, , value]) => value).map(([key, label]) => `${t(key)} ${label}`).join(" · ");
  return h("div", { class: "money-check", id: "money-check", dataset: { balanced: String(check.balanced) } },
    h("dl", { class: "money-parts" },
      part("bo.recon.money.credits", check.labels.credits, "money-credits"),
      part("bo.recon.money.matched", check.labels.matched, "money-matched"),
      part("bo.recon.money.refunded", check.labels.refunded, "money-refunded"),
      part("bo.recon.money.setAside", check.labels.set_aside, "money-set-aside"),
      part("bo.recon.money.waiting", check.labels.waiting, "money-waiting")),
    waitingParts ? h("p", { class: "row-meta" }, waitingParts) : null,
    h("p", { class: check.balanced ? "sum-ok" : "sum-bad", id: "money-balanced" },
      check.balanced ? t("bo.recon.money.balanced") : t("bo.recon.money.unbalanced", { amount: `Rp${rupiahDigits(Math.abs(check.difference))}` }),
      " · ", t("bo.recon.money.rows", { count: check.rows })));
}

export function mount(page) {
  const dayInput = h("input", { type: "date", class: "input input-small", id: "money-day", "aria-label": t("bo.recon.money.day"),
    value: today() });
  const checkHolder = h("div", {});
  const checkError = errorLine();
  const refundList = h("div", { class: "lines", id: "refund-lines" });
  const asideList = h("div", { class: "lines", id: "aside-lines" });
  const givenList = h("div", { class: "lines", id: "refunded-lines" });
  const error = errorLine();

  async function loadCheck() {
    try {
      replace(checkHolder, checkCard(await api.call("GET", `/reconciliation/money?day=${encodeURIComponent(dayInput.value)}`)));
      checkError.textContent = "";
    } catch (err) {
      checkError.textContent = errorText(err);
    }
  }

  async function list(queue, holder, card, empty) {
    try {
      const { lines } = await api.call("GET", `/reconciliation/review?queue=${queue}`);
      replace(holder, lines.length ? lines.map(card) : h("p", { class: "empty" }, t(empty)));
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  function refundCard(line) {
    const orders = line.allocations.map((a) => a.order_no).join(", ");
    const [button, holder] = opener(t("bo.recon.refund.action"), () => refundForm(line, reload), "refund-open");
    return h("article", { class: "card row-card", dataset: { line: line.line_id } }, rowSummary(line),
      h("p", { class: "reason" }, t("bo.recon.refund.free", { amount: line.free_label }),
        orders ? ` · ${t("bo.recon.refund.stillPays", { orders })}` : ""),
      h("div", { class: "actions" }, button), holder);
  }

  function asideCard(line) {
    const undo = h("button", { type: "button", class: "btn btn-secondary aside-undo" }, t("bo.recon.aside.undo"));
    undo.addEventListener("click", async () => {
      undo.disabled = true;
      try {
        await api.call("POST", `/reconciliation/lines/${line.line_id}/undo-set-aside`);
        toast(t("bo.recon.aside.undone", { line: line.line_number }));
        reload();
      } catch (err) {
        error.textContent = errorText(err);
        undo.disabled = false;
      }
    });
    const aside = line.set_aside || {};
    return h("article", { class: "card row-card", dataset: { line: line.line_id } }, rowSummary(line),
      h("p", { class: "reason" }, t("bo.recon.aside.by", { reason: aside.reason_label || aside.reason, name: aside.by_name || aside.by || "-",
        time: aside.at ? formatWib(aside.at, tz()) : "" }), aside.note ? ` · ${aside.note}` : ""),
      h("div", { class: "actions" }, undo));
  }

  function givenCard(line) {
    return h("article", { class: "card row-card", dataset: { line: line.line_id } }, rowSummary(line),
      h("ul", {}, (line.refunds || []).map((r) => h("li", {}, t("bo.recon.refunded.entry", {
        amount: `Rp${rupiahDigits(r.amount)}`, ref: r.transfer_ref, name: r.by_name || r.by, time: formatWib(r.at, tz()),
      }), r.note ? ` · ${r.note}` : ""))));
  }

  function reload() {
    loadCheck();
    list("refund", refundList, refundCard, "bo.recon.refund.none");
    list("aside", asideList, asideCard, "bo.recon.aside.none");
    list("refunded", givenList, givenCard, "bo.recon.refunded.none");
  }

  dayInput.addEventListener("change", loadCheck);
  replace(page,
    h("section", { class: "panel" },
      h("div", { class: "toolbar" }, h("h2", {}, t("bo.recon.money.title")), dayInput),
      h("p", { class: "lead" }, t("bo.recon.money.lead")), checkError, checkHolder),
    h("section", { class: "panel" }, h("h2", {}, t("bo.recon.refund.listTitle")), error, refundList),
    h("section", { class: "panel" }, h("h2", {}, t("bo.recon.aside.listTitle")), asideList),
    h("section", { class: "panel" }, h("h2", {}, t("bo.recon.refunded.listTitle")), givenList));
  reload();
  return null;
}
