// What the report page and the shift page share: signing in through the back office's shell
// (the tablet's pairing in localStorage, the PIN session in this tab), messages, downloads that
// need the session, rupiah typed by people, bar charts.
import { errorText, toast } from "../backoffice/common.js";
import { runShell } from "../backoffice/shell.js";
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah } from "../js/format.js";

export { errorText, toast };
export const page = document.getElementById("page");

/** "150.000", "Rp 150.000" or "150000" -> 150000; null when it is not a whole amount of rupiah. */
export function parseRupiah(text) {
  const cleaned = String(text).replace(/\s|rp/gi, "").replace(/\./g, "");
  return /^\d{1,12}$/.test(cleaned) ? Number(cleaned) : null;
}

/** A money field that shows thousands separators while the person types. */
export function rupiahInput(attrs = {}) {
  const input = h("input", { class: "input", inputmode: "numeric", autocomplete: "off", placeholder: "0", ...attrs });
  input.addEventListener("input", () => {
    const value = parseRupiah(input.value);
    if (value !== null) input.value = formatRupiah(value).slice(2);
  });
  return input;
}

/** A PDF or CSV from the API, saved under the server's file name (the session travels in a header,
 *  so a plain link cannot be used). */
export async function download(path, fallbackName) {
  const credential = api.session.get();
  const accept = path.includes(".pdf") ? "application/pdf" : "text/csv";
  const response = await fetch(`/api${path}`, {
    headers: { Accept: accept, Authorization: `Bearer ${credential ? credential.token : ""}` }, cache: "no-store",
  });
  if (!response.ok) {
    const payload = await response.json().catch(() => null);
    throw new api.ApiError(response.status, payload?.error?.code || `http_${response.status}`,
      payload?.error?.message || "Unduhan gagal. Coba lagi.");
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "")?.[1] || fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
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
  chart.append(svg("text", { x: left, y: 14, class: "chart-max" }, largest ? `maks. ${format(largest)}` : "belum ada penjualan"));
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

// ---- sign-in ------------------------------------------------------------------------------------

function showUnpaired(root) {
  replace(root, h("section", { class: "panel login" },
    h("h2", {}, "Perangkat belum dipasangkan"),
    h("p", { class: "lead" }, "Pasangkan tablet ini dulu di aplikasi kasir, lalu buka halaman ini lagi."),
    h("a", { class: "btn btn-primary btn-lg", href: "../" }, "Buka Sambung Kasir")));
}

/** Runs `start(me)` once someone is signed in on this paired tablet, showing the PIN form first
 *  when needed (and again when the session ends). */
export function boot(start) {
  runShell({ unpaired: showUnpaired, signedIn: start });
}
