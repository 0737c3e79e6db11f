// Laporan harian dan bulanan: the store's figures for a day or a month (store time), charts of
// sales by hour and by day of the month, refunds and voids on their own lines (on the day the money
// went back; the sale stays on its own day), top products, chat sales per CS, cost of goods (HPP) and
// gross profit (admins only: the server leaves them out for CS), and the downloads: the report as
// CSV / PDF, every product and every order of the period as CSV (for Excel set to Indonesian); a
// day's also shows where its bank credits stand (the money check of Mutasi Bank). For CS and admins;
// a section of the back office (../backoffice/shell.js).
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah, groupThousands } from "../js/format.js";
import { t } from "../js/i18n.js";
import { errorLine, errorText, saveFile } from "../backoffice/common.js";

let me = null;
let root = null;
const state = { mode: "day", day: "", month: "" };

const rupiah = (n) => (n === null || n === undefined ? "–" : formatRupiah(n));
const count = (n) => groupThousands(n);
/** 0.125 -> "12,5%", 0.5 -> "50%"; mirrors documents/formatting.py format_percent. */
const percent = (f) => {
  if (f === null || f === undefined) return "–";
  const value = Math.round(f * 1000) / 10;
  return `${Number.isInteger(value) ? value : value.toFixed(1).replace(".", ",")}%`;
};
const trx = (amount, n) => t("bo.reports.amountTrx", { amount: rupiah(amount), count: count(n) });
const pcs = (n, qty) => t("bo.reports.countPcs", { count: count(n), qty: count(qty) });

/** Today in the store's timezone as YYYY-MM-DD (en-CA writes dates that way). */
function storeToday() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: me.store.timezone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date());
}

function periodLabel(report) {
  const months = t("bo.reports.months").split(",");
  if (report.kind === "day") {
    const [y, m, d] = report.date.split("-");
    return `${Number(d)} ${months[Number(m) - 1]} ${y}`;
  }
  const [y, m] = report.month.split("-");
  return `${months[Number(m) - 1]} ${y}`;
}

// ---- building blocks ----------------------------------------------------------------------------

/** A panel of [label key, value] rows, and an optional note key under them. */
function figureTable(title, rows, note = null) {
  return h("section", { class: "panel" }, h("h2", {}, t(title)),
    h("table", { class: "figures" }, h("tbody", {},
      rows.map(([label, value]) => h("tr", {}, h("th", { scope: "row" }, t(label)), h("td", { class: "num" }, value))))),
    note ? h("p", { class: "hint" }, t(note)) : null);
}

/** A panel with a table: header keys, rows of values, an optional total row, the key for "nothing
 * yet", and an optional note key under the table. */
function listTable(title, headers, rows, total, empty, note = null) {
  if (!rows.length) return h("section", { class: "panel" }, h("h2", {}, t(title)), h("p", { class: "hint" }, t(empty)));
  const cell = (value, i) => h("td", { class: i ? "num" : "" }, value);
  return h("section", { class: "panel" }, h("h2", {}, t(title)),
    h("table", { class: "figures" },
      h("thead", {}, h("tr", {}, headers.map((x, i) => h("th", { class: i ? "num" : "", scope: "col" }, t(x))))),
      h("tbody", {}, rows.map((row) => h("tr", {}, row.map(cell))),
        total ? h("tr", { class: "total" }, total.map(cell)) : null)),
    note ? h("p", { class: "hint" }, t(note)) : null);
}

function headline(report) {
  const items = [
    ["bo.reports.netSales", rupiah(report.sales.net)], ["bo.reports.refunded", rupiah(report.refunds.amount)],
    ["bo.reports.netAfterRefunds", rupiah(report.sales.net_after_refunds)], ["bo.reports.transactions", count(report.sales.count)],
    ["bo.reports.averageTicket", rupiah(report.sales.average_ticket)], ["bo.reports.repeatShoppers", percent(report.o2o.repeat_rate)],
  ];
  if (report.profit) items.push(["bo.reports.grossProfit", rupiah(report.profit.with_cost.gross_profit)]);
  return h("div", { class: "headline" }, items.map(([label, value]) =>
    h("div", { class: "figure" }, h("div", { class: "figure-label" }, t(label)), h("div", { class: "figure-value" }, value))));
}

function chart(report) {
  if (report.kind === "day") {
    const hours = report.sales.by_hour;
    return h("section", { class: "panel" }, h("h2", {}, t("bo.reports.byHour")),
      barChart(t("bo.reports.byHour"), hours.map((x) => String(x.hour).padStart(2, "0")), hours.map((x) => x.net),
        { labelEvery: 2 }));
  }
  return h("section", { class: "panel" }, h("h2", {}, t("bo.reports.byDay")),
    barChart(t("bo.reports.byDay"), report.days.map((d) => String(Number(d.date.slice(8)))),
      report.days.map((d) => d.net)));
}

function sections(report) {
  const s = report.sales;
  const r = report.refunds;
  const b = report.book_orders;
  const d = report.drop_orders;
  const sh = report.shipments;
  const o = report.o2o;
  const withAmount = (n, amount) => `${count(n)} (${rupiah(amount)})`;
  return [
    h("div", { class: "grid-auto" },
      figureTable("bo.reports.sales", [
        ["bo.reports.transactionCount", count(s.count)], ["bo.reports.grossSales", rupiah(s.gross)],
        ["bo.reports.discounts", rupiah(s.discounts)], ["bo.reports.netSales", rupiah(s.net)],
        ["bo.reports.shippingAndCodes", rupiah(s.shipping_and_codes)], ["bo.reports.collected", rupiah(s.collected)],
        ["bo.reports.storeSales", trx(s.store.net, s.store.count)],
        ["bo.reports.fromBookOrders", trx(s.from_book_orders.net, s.from_book_orders.count)],
        ["bo.reports.lateCompleted", count(s.late_completed)],
      ]),
      h("div", {},
        listTable("bo.reports.byMethod", ["bo.reports.method", "bo.reports.transactions", "bo.reports.value"],
          s.by_method.map((m) => [m.label, count(m.count), rupiah(m.amount)]),
          s.by_method.length ? [t("bo.stock.total"), count(s.count), rupiah(s.collected)] : null, "bo.reports.noSales"),
        listTable("bo.reports.byIssuer", ["bo.reports.issuer", "bo.reports.transactions", "bo.reports.value"],
          s.by_issuer.map((i) => [i.issuer, count(i.count), rupiah(i.amount)]), null, "bo.reports.noQris")),
      h("div", { class: "refunds" },
        figureTable("bo.reports.refunds", [
          ["bo.reports.refundsLine", trx(r.refunds.amount, r.refunds.count)], ["bo.reports.voidsLine", trx(r.voids.amount, r.voids.count)],
          ["bo.reports.refundedTotal", trx(r.amount, r.count)], ["bo.reports.netAfterRefunds", rupiah(s.net_after_refunds)],
          ["bo.reports.collectedAfterRefunds", rupiah(r.collected_after_refunds)],
        ], "bo.reports.refundsNote"),
        listTable("bo.reports.refundsByMethod", ["bo.reports.method", "bo.reports.transactions", "bo.reports.value"],
          r.by_tender.map((m) => [m.label, count(m.count), rupiah(m.amount)]),
          r.by_tender.length ? [t("bo.stock.total"), count(r.count), rupiah(r.amount)] : null, "bo.reports.noRefunds")),
      figureTable("bo.reports.o2o", [
        ["bo.reports.o2oVolume", count(o.transactions)], ["bo.reports.o2oAverage", rupiah(o.average_value)],
        ["bo.reports.o2oLinked", count(o.linked)], ["bo.reports.o2oRepeat", count(o.repeat)],
        ["bo.reports.o2oRepeatRate", percent(o.repeat_rate)], ["bo.reports.gmvStore", rupiah(o.gmv_store)],
        ["bo.reports.gmvChat", rupiah(o.gmv_chat)], ["bo.reports.chatShare", percent(o.chat_share)],
      ]),
      figureTable("bo.nav.book", [
        ["bo.reports.created", withAmount(b.created, b.created_amount)], ["bo.reports.paid", withAmount(b.paid, b.paid_amount)],
        ["bo.drop.status.cancelled", count(b.cancelled)], ["bo.book.status.expired", count(b.expired)],
        ["bo.reports.late", withAmount(b.late, b.late_amount)],
      ]),
      figureTable("bo.nav.drop", [
        ["bo.drop.status.requested", pcs(d.created, d.created_qty)],
        ["bo.drop.status.handedOver", pcs(d.handed, d.handed_qty)],
        ["bo.reports.returned", pcs(d.returned, d.returned_qty)], ["bo.drop.status.cancelled", count(d.cancelled)],
      ]),
      figureTable("bo.nav.shipping", [
        ["bo.drop.status.requested", count(sh.requested)], ["bo.reports.awbIssued", count(sh.awb)],
        ["bo.reports.shipped", count(sh.shipped)], ["bo.drop.status.cancelled", count(sh.cancelled)],
        ["bo.reports.waitingAwb", count(sh.waiting_awb_now)],
      ])),
    listTable("bo.reports.byCashier", ["role.cashier", "bo.reports.transactions", "bo.reports.linked", "bo.reports.newShoppers",
      "bo.reports.netSales", "bo.reports.average", "bo.reports.refundsPaid"],
    report.cashiers.map((c) => [c.name, count(c.transactions), percent(c.link_rate), count(c.registered),
      rupiah(c.net), rupiah(c.average_ticket), trx(c.refunded, c.refunds_count)]), null, "bo.reports.noCashierSales",
    "bo.reports.cashierRefundsNote"),
  ];
}

/** What is not in the gross profit, said in words: the sales without a cost price (HPP). */
function withoutCostLine(profit) {
  const w = profit.without_cost;
  return profit.complete ? t("bo.reports.allCosted")
    : t("bo.reports.withoutCostWarning", { amount: rupiah(w.net), share: percent(w.share), count: count(w.products) });
}

/** Top products, chat sales per CS, and (when the server sends them: admins) HPP and gross profit. */
function goods(report) {
  const p = report.products;
  const costs = report.costs_visible;
  const headers = ["bo.reports.product", "bo.reports.unitsSold", "bo.reports.netSales",
    ...(costs ? ["bo.reports.cost", "bo.reports.grossProfit"] : [])];
  // A product without a cost price shows "–" (unknown, not Rp0); one with a cost price for part of its
  // sales (set or cleared during the period) is marked with "*": its profit is of that part only.
  const mark = (x) => (x.costed === "part" ? " *" : "");
  const row = (label, x) => [label, count(x.units), rupiah(x.net),
    ...(costs ? [rupiah(x.cost) + mark(x), rupiah(x.gross_profit) + mark(x)] : [])];
  const rows = p.top.map((x) => row(`${x.name} (${x.sku})`, x));
  if (p.others) rows.push(row(t("bo.reports.others", { count: count(p.others.products) }), p.others));
  const products = listTable("bo.reports.topProducts", headers, rows,
    rows.length ? row(t("bo.stock.total"), p.total) : null, "bo.reports.noProducts", "bo.reports.productsNote");
  products.setAttribute("id", "top-products");
  if (costs && p.top.some((x) => x.costed !== "all")) products.append(h("p", { class: "hint" }, t("bo.reports.partlyCosted")));
  if (!costs) products.append(h("p", { class: "hint" }, t("bo.reports.costsAdminOnly")));
  const chat = listTable("bo.reports.chatByCs", ["bo.reports.cs", "bo.reports.orders", "bo.reports.netSales",
    "bo.reports.returnedValue", "bo.reports.netAfterReturns"],
  report.chat_by_cs.map((c) => [c.name, count(c.orders), rupiah(c.net), trx(c.returned, c.returns_count), rupiah(c.net_after_returns)]),
  null, "bo.reports.noChatSales", "bo.reports.chatNote");
  chat.setAttribute("id", "chat-by-cs");
  const parts = [chat];
  const profit = report.profit;
  if (profit) {
    const w = profit.with_cost;
    const panel = figureTable("bo.reports.profit", [
      ["bo.reports.goodsNet", rupiah(profit.net)], ["bo.reports.withCost", rupiah(w.net)],
      ["bo.reports.costOfGoods", rupiah(w.cost)], ["bo.reports.grossProfit", rupiah(w.gross_profit)],
      ["bo.reports.margin", percent(w.margin)], ["bo.reports.withoutCost", rupiah(profit.without_cost.net)],
    ], "bo.reports.profitNote");
    panel.setAttribute("id", "gross-profit");
    panel.insertBefore(h("p", { class: profit.complete ? "hint" : "notice", role: "note" }, withoutCostLine(profit)),
      panel.querySelector("table"));
    parts.push(panel);
    if (profit.without_cost.top.length) {
      parts.push(listTable("bo.reports.withoutCostProducts", ["bo.reports.product", "bo.reports.netSales"],
        profit.without_cost.top.map((x) => [`${x.name} (${x.sku})`, rupiah(x.net)]), null, "bo.reports.noProducts"));
    }
  }
  return [products, h("div", { class: "grid-auto" }, parts)];
}

/**
 * A bar chart as SVG: one bar per value, every `labelEvery`-th label under the axis, the exact
 * value in each bar's tooltip (<title>), scaled to the largest value.
 */
export function barChart(title, labels, values, { format = formatRupiah, labelEvery = 1 } = {}) {
  const NS = "http://www.w3.org/2000/svg";
  const svg = (tag, attrs = {}, text = null) => {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== null) el.textContent = text;
    return el;
  };
  const width = 720;
  const height = 220;
  const left = 8;
  const bottom = 24;
  const top = 22;
  const slot = (width - left * 2) / values.length;
  const largest = Math.max(...values, 0);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart", "aria-label": title });
  chart.append(svg("title", {}, title));
  chart.append(svg("text", { x: left, y: 14, class: "chart-max" }, largest ? t("bo.reports.chartMax", { max: format(largest) }) : t("bo.reports.chartEmpty")));
  chart.append(svg("line", { x1: left, x2: width - left, y1: height - bottom, y2: height - bottom, class: "chart-axis" }));
  values.forEach((value, i) => {
    const barHeight = largest ? ((height - bottom - top) * value) / largest : 0;
    const x = left + i * slot + slot * 0.15;
    const bar = svg("rect", {
      x, y: height - bottom - barHeight, width: slot * 0.7, height: barHeight, class: "chart-bar",
    });
    bar.append(svg("title", {}, `${labels[i]}: ${format(value)}`));
    chart.append(bar);
    if (i % labelEvery === 0) {
      chart.append(svg("text", { x: x + slot * 0.35, y: height - 6, class: "chart-label", "text-anchor": "middle" }, labels[i]));
    }
  });
  return chart;
}


/** The day's bank credits: matched to sales + given back + set aside + waiting (each summed by the server). */
function moneyCheck(m) {
  const table = figureTable("bo.reports.money.title", [
    ["bo.recon.money.credits", rupiah(m.credits)], ["bo.recon.money.matched", rupiah(m.matched)],
    ["bo.recon.money.refunded", rupiah(m.refunded)], ["bo.recon.money.setAside", rupiah(m.set_aside)],
    ["bo.recon.money.waiting", rupiah(m.waiting)]]);
  table.id = "report-money";
  table.append(h("p", { class: m.balanced ? "sum-ok" : "sum-bad" },
    m.balanced ? t("bo.recon.money.balanced") : t("bo.recon.money.unbalanced", { amount: rupiah(Math.abs(m.difference)) }),
    " · ", h("a", { href: new URL("../reconciliation/#uang", import.meta.url).href }, t("bo.reports.money.open"))));
  return table;
}

// ---- the page -----------------------------------------------------------------------------------

async function show() {
  const mine = root;
  const path = state.mode === "day" ? `/reports/day?date=${state.day}` : `/reports/month?month=${state.month}`;
  const body = h("div", { class: "report", "aria-busy": "true" }, h("p", { class: "hint" }, t("bo.reports.loading")));
  replace(mine, toolbar(), body);
  try {
    // A day's report also shows where that day's bank credits stand (Mutasi Bank's money check).
    const [report, money] = await Promise.all([api.call("GET", path),
      state.mode === "day" ? api.call("GET", `/reconciliation/money?day=${state.day}`).catch(() => null) : null]);
    replace(body, h("p", { class: "lead" }, `${t(report.kind === "day" ? "bo.reports.daily" : "bo.reports.monthly")} · `
      + `${periodLabel(report)} (${me.store.timezone})`), headline(report), chart(report), goods(report), sections(report),
    money ? moneyCheck(money) : null);
  } catch (err) {
    replace(body, errorLine(errorText(err)));
  }
  body.removeAttribute("aria-busy");
}

function toolbar() {
  const tab = (mode, label) => h("button", {
    type: "button", class: "tab", role: "tab", "aria-selected": String(state.mode === mode),
    onclick: () => { state.mode = mode; show(); },
  }, label);
  const picker = state.mode === "day"
    ? h("input", { class: "input", type: "date", value: state.day, max: storeToday(), "aria-label": t("bo.reports.date") })
    : h("input", { class: "input", type: "month", value: state.month, max: storeToday().slice(0, 7), "aria-label": t("bo.reports.month") });
  picker.addEventListener("change", () => {
    if (!picker.value) return;
    state[state.mode] = picker.value;
    show();
  });
  const query = () => (state.mode === "day" ? `date=${state.day}` : `month=${state.month}`);
  const alertBox = errorLine(); // a download that failed, until one works
  // what: "" (the report itself), "/products" (every product) or "/orders" (every order)
  const save = (extension, what = "", label = t("bo.reports.download", { kind: extension.toUpperCase() })) => {
    const button = h("button", { type: "button", class: "btn btn-secondary" }, label);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await saveFile(`/reports/${state.mode}${what}.${extension}?${query()}`, `laporan.${extension}`);
        alertBox.textContent = "";
      } catch (err) {
        alertBox.textContent = errorText(err);
      }
      button.disabled = false;
    });
    return button;
  };
  return h("section", { class: "panel" },
    h("div", { class: "toolbar toolbar-start" },
      h("div", { class: "subtabs", role: "tablist" }, tab("day", t("bo.reports.day")), tab("month", t("bo.reports.monthTab"))),
      picker, save("csv"), save("pdf"), save("csv", "/products", t("bo.reports.downloadProducts")),
      save("csv", "/orders", t("bo.reports.downloadOrders"))),
    h("p", { class: "hint" }, t("bo.reports.exportNote")),
    alertBox);
}

export async function mount(view, who) {
  me = who;
  root = view;
  if (!state.day) { // kept when the section is drawn again (another language), so is the chosen period
    state.day = storeToday();
    state.month = state.day.slice(0, 7);
  }
  await show();
}
