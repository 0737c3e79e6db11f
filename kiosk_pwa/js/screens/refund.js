// Refund or void one sale.
//   mode "refund": which lines and how many (+/- up to what is left of each), back to stock or not
//                  (yes unless unticked), a reason from the list (a note for "Lainnya"), and the way
//                  the money goes back: the sale's own by default; QRIS only for a QRIS sale; cash;
//                  or a bank transfer with its reference.
//   mode "void":   today's sale cancelled whole, by the way it was paid; a reason.
// When the server wants a supervisor's PIN (approval_required) the approval dialog asks for it and
// the same request goes again under the same Idempotency-Key. The answer is shown as it is: DONE,
// PENDING at the gateway ("Cek status"), or FAILED with the reason and an offer to pay back in cash.
import * as api from "../api.js";
import { APPROVAL_CODES, askApproval } from "../approval.js";
import { h, replace } from "../dom.js";
import { formatRupiah } from "../format.js";
import { t } from "../i18n.js";
import { methodText, REASON_CODES, reasonText, refundStatusText } from "../sales.js";

const TENDERS = ["QRIS", "CASH", "BANK_TRANSFER"];

/** What the server will refund for these quantities (refund_rules.plan, mirrored): each line's share of
 * what was paid, rounded down; the refund that takes the last of everything takes all that is left. */
export function refundAmount(sale, qty) {
  const paid = sale.paid_amount ?? sale.total;
  const closes = sale.lines.every((line) => line.left - (qty[line.sku] || 0) === 0);
  if (closes) return sale.refundable_amount;
  const shares = sale.lines.reduce((sum, line) =>
    sum + (sale.subtotal > 0 ? Math.floor((line.unit_price * (qty[line.sku] || 0) * paid) / sale.subtotal) : 0), 0);
  return Math.min(shares, sale.refundable_amount);
}

export function mount(root, app, params) {
  const mode = params.mode === "void" ? "void" : "refund";
  const intent = new api.Intent(); // one refund: its key lives through the supervisor's PIN
  let sale = null;
  let alive = true;
  // The form, kept in params so a language switch redraws it as it was.
  const form = params.form || (params.form = { qty: {}, restock: {}, reason: "", note: "", tender: null, transferRef: "" });
  const section = h("section", { class: `screen screen-refund mode-${mode}`, "aria-labelledby": "refund-title" });
  root.append(section);

  const toSale = () => app.go("sale", { orderId: params.orderId, back: params.back });

  function changed() {
    intent.reset(); // another refund than the one asked about: a new key
    drawForm();
  }

  function tenders() {
    const own = sale.method;
    return TENDERS.filter((tender) => tender !== "QRIS" || own === "QRIS");
  }

  function tenderText(tender) {
    if (tender === "QRIS") return t("refund.tender.qris");
    if (tender === "CASH") return t("refund.tender.cash");
    return t("refund.tender.transfer");
  }

  function body() {
    const out = { reason: form.reason };
    if (form.note.trim()) out.note = form.note.trim();
    if (mode === "void") return out;
    out.lines = sale.lines.filter((line) => form.qty[line.sku] > 0)
      .map((line) => ({ sku: line.sku, quantity: form.qty[line.sku], restock: form.restock[line.sku] !== false }));
    out.tender = form.tender;
    if (form.tender === "BANK_TRANSFER") out.transfer_ref = form.transferRef.trim();
    return out;
  }

  function amount() {
    return mode === "void" ? sale.refundable_amount : refundAmount(sale, form.qty);
  }

  function problem() {
    if (mode === "refund" && !sale.lines.some((line) => form.qty[line.sku] > 0)) return t("refund.pickLines");
    if (!form.reason) return t("refund.pickReason");
    if (form.reason === "lainnya" && !form.note.trim()) return t("refund.noteNeeded");
    if (mode === "refund" && form.tender === "BANK_TRANSFER" && !form.transferRef.trim()) return t("refund.refNeeded");
    return "";
  }

  function lineRow(line) {
    const qty = form.qty[line.sku] || 0;
    const restock = h("input", { type: "checkbox", class: "checkbox", id: `restock-${line.sku}`, checked: form.restock[line.sku] !== false,
      disabled: !line.left,
      onchange: (event) => { form.restock[line.sku] = event.target.checked; changed(); } });
    const set = (n) => { form.qty[line.sku] = Math.max(0, Math.min(line.left, n)); changed(); };
    return h("li", { class: `refund-line${line.left ? "" : " is-done"}`, dataset: { sku: line.sku } },
      h("div", { class: "line-info" },
        h("span", { class: "line-name" }, line.name),
        h("span", { class: "line-price" }, t("refund.lineFacts", { price: formatRupiah(line.unit_price), sold: line.sold, left: line.left }))),
      h("div", { class: "qty", role: "group", "aria-label": t("refund.qtyFor", { name: line.name }) },
        h("button", { type: "button", class: "btn btn-icon refund-less", "aria-label": t("refund.less", { name: line.name }),
          disabled: qty <= 0, onclick: () => set(qty - 1) }, "−"),
        h("output", { class: "qty-value", "aria-label": t("refund.qty") }, String(qty)),
        h("button", { type: "button", class: "btn btn-icon refund-more", "aria-label": t("refund.more", { name: line.name }),
          disabled: qty >= line.left, onclick: () => set(qty + 1) }, "+")),
      h("label", { class: "consent restock", for: `restock-${line.sku}` }, restock, h("span", {}, t("refund.restock"))));
  }

  function drawForm() {
    const error = h("p", { class: "form-error", role: "alert", id: "refund-error" });
    const reason = h("select", { id: "refund-reason", class: "input", onchange: (event) => { form.reason = event.target.value; changed(); } },
      h("option", { value: "", selected: !form.reason }, t("refund.reasonPlaceholder")),
      REASON_CODES.map((code) => h("option", { value: code, selected: form.reason === code }, reasonText(code))));
    const note = h("input", { id: "refund-note", class: "input", maxlength: 200, autocomplete: "off", value: form.note,
      oninput: (event) => { form.note = event.target.value; intent.reset(); refresh(); } });
    const submit = h("button", { type: "button", class: `btn ${mode === "void" ? "btn-danger" : "btn-primary"} btn-xl`, id: "refund-submit",
      onclick: () => send() });
    const tenderPicker = mode === "refund" ? [
      h("p", { class: "field-label", id: "refund-tender-label" }, t("refund.tender")),
      h("div", { class: "tenders", id: "refund-tenders", role: "group", "aria-labelledby": "refund-tender-label" },
        tenders().map((tender) => h("button", {
          type: "button", class: "btn tender-option", dataset: { tender }, "aria-pressed": String(form.tender === tender),
          onclick: () => { form.tender = tender; changed(); },
        }, tenderText(tender))))] : null;
    const transferRef = mode === "refund" && form.tender === "BANK_TRANSFER"
      ? h("input", { id: "refund-transfer-ref", class: "input", maxlength: 64, autocomplete: "off", value: form.transferRef,
        placeholder: t("refund.transferRefPlaceholder"),
        oninput: (event) => { form.transferRef = event.target.value; intent.reset(); refresh(); } }) : null;
    const total = h("p", { class: "total-amount", id: "refund-amount", "aria-live": "polite" });

    function refresh() {
      const why = problem();
      const money = amount();
      total.textContent = formatRupiah(money);
      submit.disabled = Boolean(why) || money <= 0 || intent.busy;
      submit.textContent = mode === "void" ? t("refund.submitVoid", { amount: formatRupiah(money) })
        : t("refund.submit", { amount: formatRupiah(money) });
      hint.textContent = why;
    }

    async function send(approval) {
      error.textContent = "";
      const request = body();
      const call = (extra) => intent.run((key) => (mode === "void"
        ? api.voidSale(sale.order_id, { ...request, ...extra }, key)
        : api.refundSale(sale.order_id, { ...request, ...extra }, key)),
      { keepKeyOn: (err) => APPROVAL_CODES.has(err.code) });
      submit.disabled = true;
      submit.setAttribute("aria-busy", "true");
      try {
        const refund = await call(approval ? { approval } : {});
        if (refund && alive) showResult(refund);
      } catch (err) {
        if (!alive) return;
        submit.removeAttribute("aria-busy");
        if (err instanceof api.ApiError && APPROVAL_CODES.has(err.code)) {
          try {
            const refund = await askApproval(app, { err, send: (given) => call({ approval: given }) });
            if (refund && alive) showResult(refund);
            else if (alive) refresh();
          } catch (failure) {
            if (!alive) return;
            error.textContent = app.errorText(failure);
            refresh();
          }
          return;
        }
        error.textContent = app.errorText(err);
        refresh();
      }
    }

    const hint = h("p", { class: "hint", id: "refund-hint" });
    replace(section,
      h("div", { class: "panel refund-panel" },
        h("h2", { id: "refund-title" }, mode === "void" ? t("refund.voidTitle", { orderNo: sale.order_no })
          : t("refund.title", { orderNo: sale.order_no })),
        mode === "void"
          ? h("p", { class: "lead", id: "refund-void-lead" }, t("refund.voidLead", { method: methodText(sale.method, sale.payment?.issuer) }))
          : h("ul", { class: "refund-lines", id: "refund-lines", "aria-label": t("refund.lines") }, sale.lines.map(lineRow))),
      h("div", { class: "panel refund-side" },
        h("label", { class: "field-label", for: "refund-reason" }, t("refund.reason")), reason,
        h("label", { class: "field-label", for: "refund-note" }, t("refund.note"), " ",
          form.reason === "lainnya" ? null : h("span", { class: "optional" }, t("common.optional"))), note,
        tenderPicker, transferRef,
        h("div", { class: "totals" }, h("span", {}, t("refund.amount")), total),
        hint, error,
        h("div", { class: "actions" },
          h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "refund-back", onclick: toSale }, t("common.back")),
          submit)));
    refresh();
  }

  function showResult(refund) {
    const done = refund.status === "DONE";
    const open = refund.status === "PENDING" || refund.status === "REQUESTED";
    const error = h("p", { class: "form-error", role: "alert", id: "refund-result-error" });
    const check = open ? h("button", { type: "button", class: "btn btn-primary btn-lg", id: "refund-check", onclick: checkStatus },
      t("refund.check")) : null;
    const cash = refund.status === "FAILED" && mode === "refund"
      ? h("button", { type: "button", class: "btn btn-primary btn-lg", id: "refund-as-cash", onclick: asCash }, t("refund.asCash")) : null;

    async function checkStatus() {
      check.disabled = true;
      error.textContent = "";
      try {
        const answer = await api.checkRefundStatus(refund.order_id, refund.refund_id);
        if (!alive) return;
        if (answer.status === refund.status) {
          error.textContent = t("refund.stillPending");
          check.disabled = false;
        } else {
          showResult(answer);
        }
      } catch (err) {
        if (!alive) return;
        error.textContent = app.errorText(err);
        check.disabled = false;
      }
    }

    function asCash() {
      // The gateway refused: the same lines, paid back from the drawer instead (a new refund).
      form.tender = "CASH";
      intent.reset();
      reload();
    }

    const title = done ? (refund.kind === "VOID" ? t("refund.doneVoidTitle") : t("refund.doneTitle"))
      : open ? t("refund.pendingTitle") : t("refund.failedTitle");
    const help = done ? (refund.tender === "CASH" ? t("refund.doneCash", { amount: formatRupiah(refund.amount) })
      : refund.tender === "QRIS" ? t("refund.doneQris") : t("refund.doneTransfer"))
      : open ? t("refund.pendingHelp") : t("refund.failedHelp");
    replace(section,
      h("div", { class: `panel result-panel refund-result ${done ? "success" : open ? "late" : "failed"}`, id: "refund-result",
        dataset: { status: refund.status } },
      h("div", { class: "result-icon", "aria-hidden": "true" }, done ? "✓" : open ? "…" : "✕"),
      h("h2", { id: "refund-title" }, title),
      h("p", { class: "amount-big", id: "refund-result-amount" }, formatRupiah(refund.amount)),
      h("dl", { class: "facts" },
        h("div", {}, h("dt", {}, t("refund.number")), h("dd", { id: "refund-result-no" }, refund.refund_no)),
        h("div", {}, h("dt", {}, t("refund.statusLabel")), h("dd", { id: "refund-result-status" }, refundStatusText(refund.status))),
        h("div", {}, h("dt", {}, t("refund.tender")), h("dd", { id: "refund-result-tender" }, methodText(refund.tender))),
        refund.approved_by_name ? h("div", {}, h("dt", {}, t("refund.approvedByLabel")), h("dd", { id: "refund-result-approver" }, refund.approved_by_name)) : null),
      refund.status === "FAILED" ? h("p", { class: "reason", id: "refund-result-reason" }, refund.failure_message || t("refund.failedReason")) : null,
      h("p", { class: "lead", id: "refund-result-help" }, help),
      error,
      h("div", { class: "actions" },
        h("button", { type: "button", class: open || cash ? "btn btn-secondary btn-lg" : "btn btn-primary btn-lg", id: "refund-to-sale", onclick: toSale },
          t("refund.toSale")),
        check, cash)));
  }

  async function reload() {
    replace(section, h("div", { class: "panel refund-panel" }, h("h2", { id: "refund-title" }, t("common.loading"))));
    try {
      const answer = await api.getSale(params.orderId);
      if (!alive) return;
      sale = answer;
      if (form.tender === null || !tenders().includes(form.tender)) form.tender = tenders().includes(sale.method) ? sale.method : "CASH";
      for (const line of sale.lines) {
        if ((form.qty[line.sku] || 0) > line.left) form.qty[line.sku] = line.left;
      }
      drawForm();
    } catch (err) {
      if (!alive) return;
      replace(section, h("div", { class: "panel refund-panel" },
        h("h2", { id: "refund-title" }, t("sale.notLoaded")),
        h("p", { class: "form-error", role: "alert" }, app.errorText(err)),
        h("div", { class: "actions" },
          h("button", { type: "button", class: "btn btn-secondary btn-lg", onclick: toSale }, t("common.back")),
          h("button", { type: "button", class: "btn btn-primary btn-lg", onclick: reload }, t("common.retry")))));
    }
  }

  reload();
  return () => {
    alive = false;
  };
}
