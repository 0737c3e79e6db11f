// Riwayat: the store's sales of one day (today unless another is picked), newest first, a page at a
// time. The search box takes an order number, a phone as people say it or part of a name (a whole
// order number also finds a sale of another day: a receipt brought back); status and payment
// filters narrow the list. A tap opens the sale (lines, payments, refunds, Cetak ulang, Void, Refund).
import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { formatRupiah } from "../format.js";
import { t } from "../i18n.js";
import { methodText, statusBadge } from "../sales.js";

const SEARCH_DELAY_MS = 300;
const PAGE = 30;

/** "2026-11-24" moved by `days` (calendar arithmetic, no time zone involved). */
function shiftDay(day, days) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** "2026-11-24" -> "24/11/2026", as every date on the kiosk reads. */
export function dayText(day) {
  const [y, m, d] = day.split("-");
  return `${d}/${m}/${y}`;
}

function statusOptions() {
  return [
    ["", t("history.filter.allStatuses")],
    ["COMPLETED", t("history.status.completed")],
    ["REFUNDS", t("history.filter.refunds")],
    ["VOIDED", t("history.status.voided")],
    ["AWAITING_PAYMENT", t("history.status.awaiting")],
    ["PAID_LATE,NEEDS_REVIEW", t("history.filter.decisions")],
    ["CANCELLED,EXPIRED,FAILED", t("history.filter.unpaid")],
    ["REFUNDED", t("history.status.refunded")],
  ];
}

function methodOptions() {
  return [
    ["", t("history.filter.allMethods")],
    ["QRIS", "QRIS"],
    ["CASH", t("history.method.cash")],
    ["BANK_TRANSFER", t("history.method.transfer")],
    ["COD", t("history.method.cod")],
  ];
}

function select(id, label, options, value, onchange) {
  return h("label", { class: "filter", for: id },
    h("span", { class: "field-label" }, label),
    h("select", { id, class: "input", onchange },
      options.map(([code, text]) => h("option", { value: code, selected: code === value }, text))));
}

export function mount(root, app, params) {
  // The filters live in params: the sale screen's "Kembali" and a language switch come back to them.
  const filters = { day: params.day || null, q: params.q || "", status: params.status || "", method: params.method || "" };
  let today = params.today || null;
  let cursor = null;
  let seq = 0;
  let searchTimer = null;
  let alive = true;

  const list = h("ul", { class: "history-list", id: "history-list", "aria-labelledby": "history-title" });
  const count = h("p", { class: "hint", id: "history-count", role: "status" });
  const error = h("p", { class: "form-error", role: "alert", id: "history-error" });
  const more = h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "history-more", hidden: true, onclick: () => load(true) },
    t("history.more"));
  const dayInput = h("input", { type: "date", id: "history-day", class: "input", value: filters.day || "",
    "aria-label": t("history.day"), onchange: () => setDay(dayInput.value || null) });
  const prevDay = h("button", { type: "button", class: "btn btn-secondary", id: "history-prev", "aria-label": t("history.prevDay"),
    onclick: () => setDay(shiftDay(filters.day || today, -1)) }, "‹");
  const nextDay = h("button", { type: "button", class: "btn btn-secondary", id: "history-next", "aria-label": t("history.nextDay"),
    onclick: () => setDay(shiftDay(filters.day || today, 1)) }, "›");
  const todayButton = h("button", { type: "button", class: "btn btn-secondary", id: "history-today", onclick: () => setDay(null) },
    t("history.today"));
  const search = h("input", {
    type: "search", id: "history-search", class: "input", autocomplete: "off", enterkeyhint: "search", value: filters.q,
    placeholder: t("history.searchPlaceholder"), "aria-label": t("history.search"),
    oninput: () => {
      filters.q = search.value.trim(); // kept at once: a language switch mid-typing keeps what was typed
      keep();
      clearTimeout(searchTimer);
      searchTimer = setTimeout(load, SEARCH_DELAY_MS);
    },
  });

  function keep() {
    Object.assign(params, filters, { today });
  }

  function setDay(day) {
    filters.day = day && day !== today ? day : null;
    keep();
    load();
  }

  function drawDay() {
    const shown = filters.day || today;
    dayInput.value = shown || "";
    if (today) dayInput.max = today;
    nextDay.disabled = !shown || !today || shown >= today;
    todayButton.disabled = !filters.day;
  }

  function open(row) {
    app.go("sale", { orderId: row.order_id, back: { ...filters, today } });
  }

  function row(sale) {
    const otherDay = sale.day !== (filters.day || today);
    const refunded = sale.refunded_amount > 0 && sale.status !== "VOIDED" && sale.status !== "REFUNDED";
    return h("li", { class: "history-row", dataset: { order: sale.order_id, status: sale.status } },
      h("button", { type: "button", class: "history-card", onclick: () => open(sale),
        "aria-label": t("history.openLabel", { orderNo: sale.order_no, total: formatRupiah(sale.total) }) },
      h("span", { class: "history-main" },
        h("strong", { class: "history-no" }, sale.order_no),
        statusBadge(sale.status, sale.status_label),
        h("span", { class: "history-total" }, formatRupiah(sale.total))),
      h("span", { class: "history-meta" },
        h("span", { class: "history-time" }, otherDay ? `${dayText(sale.day)} ${sale.time}` : sale.time),
        h("span", { class: "history-method" }, methodText(sale.method, sale.issuer)),
        h("span", {}, t("cart.itemCount", { count: sale.items_count })),
        sale.shopper ? h("span", { class: "history-shopper" },
          [sale.shopper.name, sale.shopper.phone_masked].filter(Boolean).join(" · ")) : null,
        refunded ? h("span", { class: "history-refunded" }, t("history.refunded", { amount: formatRupiah(sale.refunded_amount) })) : null,
        sale.refund_pending ? h("span", { class: "history-refund-pending" }, t("history.refundPending")) : null)));
  }

  async function load(next = false) {
    const mine = ++seq;
    error.textContent = "";
    more.disabled = true;
    if (!next) {
      cursor = null;
      replace(list, h("li", { class: "empty" }, t("common.loading")));
    }
    try {
      const answer = await api.salesHistory({ day: filters.day, q: filters.q, status: filters.status, method: filters.method,
        cursor: next ? cursor : null, limit: PAGE });
      if (!alive || mine !== seq) return; // a newer search or filter answered first
      today = answer.today;
      keep();
      drawDay();
      cursor = answer.next_cursor;
      more.hidden = !cursor;
      more.disabled = false;
      count.textContent = t("history.count", { count: answer.count, day: dayText(answer.day) });
      const rows = answer.sales.map(row);
      if (next) list.append(...rows);
      else if (rows.length) replace(list, rows);
      else replace(list, h("li", { class: "empty", id: "history-empty" }, filters.q ? t("history.noMatch", { q: filters.q }) : t("history.none")));
    } catch (err) {
      if (!alive || mine !== seq) return;
      error.textContent = app.errorText(err);
      if (!next) replace(list);
      more.disabled = false;
    }
  }

  const onFilter = (name) => (event) => {
    filters[name] = event.target.value;
    keep();
    load();
  };

  root.append(h("section", { class: "screen screen-history", "aria-labelledby": "history-title" },
    h("div", { class: "panel history-panel" },
      h("div", { class: "row" },
        h("h2", { id: "history-title" }, t("history.title")),
        app.embedded ? null // the back office's menu is the way out
          : h("button", { type: "button", class: "btn btn-secondary btn-lg", id: "history-back", onclick: () => app.go("shopper") },
            t("common.back"))),
      h("div", { class: "history-day", role: "group", "aria-label": t("history.day") }, prevDay, dayInput, nextDay, todayButton),
      h("div", { class: "history-filters" },
        h("label", { class: "filter filter-search", for: "history-search" },
          h("span", { class: "field-label" }, t("history.search")), search),
        select("history-status", t("history.filter.status"), statusOptions(), filters.status, onFilter("status")),
        select("history-method", t("history.filter.method"), methodOptions(), filters.method, onFilter("method"))),
      count, error, list, more)));
  drawDay();
  load();
  return () => {
    alive = false;
    clearTimeout(searchTimer);
  };
}
