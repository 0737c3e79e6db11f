// Rows the matcher left for a person, with the reason and ranked suggestions; matching by hand
// (one credit to several orders, several credits to one order, amounts that must add up exactly);
// and proposed auto-matches waiting for CS to confirm or reject.
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah } from "../js/format.js";
import { badge, errorText, parseRupiah, rupiahInput, toast } from "../backoffice/common.js";

const SIGNALS = { exact_amount: "nominal sama", amount_without_code: "tanpa kode unik", order_no: "no. pesanan di berita",
  name: "nama cocok", date: "tanggal sesuai" };

export function rowSummary(line) {
  const day = line.posted_date ? line.posted_date.split("-").reverse().join("/") : "PEND";
  return [
    h("div", { class: "card-head" },
      h("span", { class: `row-amount${line.direction === "DB" ? " debit" : ""}` },
        `${line.direction === "DB" ? "−" : ""}${line.amount_label}${line.amount_sen ? `,${String(line.amount_sen).padStart(2, "0")}` : ""}`),
      h("span", {}, `${day}${line.posted_time ? ` ${line.posted_time}` : ""} · ${line.bank} ${line.account}`)),
    h("p", {}, line.payer_name ? h("b", {}, `${line.payer_name} · `) : null, line.description),
    h("p", { class: "row-meta" }, `${line.file}, baris ${line.line_number}`),
  ];
}

/** The hand-match panel: chosen credits (rows), chosen orders and the amount of each pairing. */
class MatchPanel {
  constructor(onDone) {
    this.lines = new Map(); // line_id -> line
    this.orders = new Map(); // order_id -> {order_id, order_no, total}
    this.onDone = onDone;
    this.intent = new api.Intent();
    this.inputs = new Map(); // `${line_id}|${order_id}` -> input
    this.el = h("section", { class: "panel match-panel", hidden: true, "aria-label": "Cocokkan manual" });
  }

  toggleLine(line) {
    if (this.lines.has(line.line_id)) this.lines.delete(line.line_id);
    else this.lines.set(line.line_id, line);
    this.render();
  }

  addOrder(order) {
    this.orders.set(order.order_id, order);
    this.render();
  }

  clear() {
    this.lines.clear();
    this.orders.clear();
    this.intent.reset();
    this.render();
  }

  amounts() {
    const out = [];
    for (const [cell, input] of this.inputs) {
      const amount = parseRupiah(input.value);
      if (amount) {
        const [line_id, order_id] = cell.split("|");
        out.push({ line_id, order_id, amount });
      }
    }
    return out;
  }

  async findOrder(number) {
    try {
      const { orders } = await api.call("GET", `/sales/find?order_no=${encodeURIComponent(number.trim().toUpperCase())}`);
      for (const o of orders) this.addOrder({ order_id: o.order_id, order_no: o.order_no, total: o.total });
    } catch (err) {
      toast(errorText(err), "error");
    }
  }

  render() {
    const previous = new Map([...this.inputs].map(([cell, input]) => [cell, input.value]));
    this.inputs.clear();
    this.el.hidden = this.lines.size === 0 && this.orders.size === 0;
    if (this.el.hidden) return;
    const lines = [...this.lines.values()];
    const orders = [...this.orders.values()];
    const sums = h("div", { class: "counts" });
    const update = () => {
      const chosen = this.amounts();
      replace(sums,
        lines.map((l) => {
          const used = chosen.filter((a) => a.line_id === l.line_id).reduce((s, a) => s + a.amount, 0);
          return h("span", { class: used === l.amount ? "sum-ok" : "sum-bad" },
            `Baris ${l.line_number}: ${formatRupiah(used)} dari ${l.amount_label}`);
        }),
        orders.map((o) => {
          const got = chosen.filter((a) => a.order_id === o.order_id).reduce((s, a) => s + a.amount, 0);
          return h("span", {}, `${o.order_no}: ${formatRupiah(got)} dari ${formatRupiah(o.total)}`);
        }));
    };
    const grid = h("table", { class: "alloc-grid" },
      h("thead", {}, h("tr", {}, h("th", {}, "Kredit \\ Pesanan"), orders.map((o) => h("th", {}, o.order_no)))),
      h("tbody", {}, lines.map((l) => h("tr", {},
        h("td", {}, `${l.amount_label} · baris ${l.line_number}`),
        orders.map((o) => {
          const cell = `${l.line_id}|${o.order_id}`;
          const single = lines.length === 1 && orders.length === 1;
          const input = rupiahInput({ "aria-label": `Alokasi baris ${l.line_number} ke ${o.order_no}`,
            value: previous.get(cell) ?? (single ? formatRupiah(Math.min(l.amount, o.total)).slice(2) : "") });
          input.addEventListener("input", update);
          this.inputs.set(cell, input);
          return h("td", {}, input);
        })))));
    const number = h("input", { class: "input input-small", placeholder: "No. pesanan", "aria-label": "Nomor pesanan" });
    const submit = h("button", { type: "button", class: "btn btn-primary", disabled: !lines.length || !orders.length,
      onclick: async () => {
        submit.disabled = true;
        try {
          const result = await this.intent.run((key) => api.call("POST", "/reconciliation/matches",
            { idempotencyKey: key, body: { allocations: this.amounts() } }));
          toast(result.paid_orders.length ? `Cocok. ${result.paid_orders.length} pesanan sekarang lunas.` : "Cocok. Pesanan belum lunas.");
          this.clear();
          this.onDone();
        } catch (err) {
          toast(errorText(err), "error");
          submit.disabled = false;
        }
      } }, "Simpan pencocokan");
    replace(this.el,
      h("div", { class: "toolbar" }, h("h2", {}, "Cocokkan manual"),
        h("button", { type: "button", class: "btn btn-secondary", onclick: () => this.clear() }, "Batal")),
      orders.length ? grid : h("p", { class: "lead" }, "Pilih pesanan dari saran, atau cari dengan nomor pesanan."),
      h("p", { class: "row-meta" }, "Setiap kredit harus habis dialokasikan; pesanan lunas saat alokasinya mencapai totalnya."),
      sums,
      h("div", { class: "inline" }, number,
        h("button", { type: "button", class: "btn btn-secondary", onclick: () => this.findOrder(number.value) }, "Tambah pesanan"),
        submit));
    update();
  }
}

function suggestionRow(s, line, panel, reload) {
  const quick = async () => {
    try {
      await api.call("POST", "/reconciliation/matches", { idempotencyKey: crypto.randomUUID(),
        body: { allocations: [{ line_id: line.line_id, order_id: s.order_id, amount: line.amount }] } });
      toast(`Baris ${line.line_number} dicocokkan ke ${s.order_no}.`);
      reload();
    } catch (err) {
      toast(errorText(err), "error");
    }
  };
  return h("div", { class: "suggestion" },
    h("div", {}, h("b", {}, s.order_no), ` · ${s.amount_label} · ${s.status_label}`,
      h("div", { class: "signals" }, `skor ${s.score}: ${s.signals.map((x) => SIGNALS[x] || x).join(", ")}`)),
    h("button", { type: "button", class: "btn btn-secondary",
      onclick: () => panel.addOrder({ order_id: s.order_id, order_no: s.order_no, total: s.amount_due }) }, "Pilih"),
    s.amount_due === line.amount && s.status !== "PAID"
      ? h("button", { type: "button", class: "btn btn-primary", onclick: quick }, "Cocokkan") : null);
}

function reviewCard(line, panel, reload) {
  const chosen = panel.lines.has(line.line_id);
  const matchable = line.direction === "CR" && !line.pending && !line.amount_sen;
  return h("article", { class: `card row-card${chosen ? " selected" : ""}` },
    rowSummary(line),
    h("p", { class: "reason" }, line.review_label),
    line.suggestions.length ? h("div", { class: "suggestions" },
      line.suggestions.map((s) => suggestionRow(s, line, panel, reload))) : null,
    matchable ? h("div", { class: "actions" }, h("button", { type: "button", class: "btn btn-secondary",
      onclick: () => { panel.toggleLine(line); reload(); } }, chosen ? "Batal pilih" : "Pilih untuk dicocokkan")) : null,
    h("details", {}, h("summary", {}, "Baris asli"), h("p", { class: "raw-line" }, line.raw_line)));
}

export const reviewPage = {
  mount(page) {
    const list = h("div", { class: "lines", id: "review-lines" });
    const more = h("button", { type: "button", class: "btn btn-secondary", hidden: true }, "Muat lagi");
    const reason = h("select", { class: "input input-small", "aria-label": "Alasan" }, h("option", { value: "" }, "Semua alasan"));
    const debits = h("input", { type: "checkbox", id: "show-debits" });
    let labels = null;
    let next = null;
    let shown = [];
    let reload = () => {};
    const panel = new MatchPanel(() => reload());

    async function load(append) {
      try {
        const params = new URLSearchParams({ queue: debits.checked ? "debit" : "review" });
        if (reason.value && !debits.checked) params.set("reason", reason.value);
        if (append && next) params.set("next", next);
        const data = await api.call("GET", `/reconciliation/review?${params}`);
        if (!labels) {
          labels = data.reasons;
          for (const [value, label] of Object.entries(labels)) {
            if (value !== "debit") reason.append(h("option", { value }, label));
          }
        }
        shown = append ? shown.concat(data.lines) : data.lines;
        next = data.next;
        more.hidden = !next;
        reason.disabled = debits.checked;
        replace(list, shown.length ? shown.map((line) => reviewCard(line, panel, reload))
          : h("p", { class: "empty" }, debits.checked ? "Tidak ada debet." : "Tidak ada kredit yang perlu dicek."));
      } catch (err) {
        toast(errorText(err), "error");
      }
    }
    reload = () => load(false);
    more.addEventListener("click", () => load(true));
    reason.addEventListener("change", reload);
    debits.addEventListener("change", reload);
    replace(page,
      h("section", { class: "panel" },
        h("div", { class: "toolbar" }, h("h2", {}, "Perlu dicek"),
          h("div", { class: "filters" }, reason,
            h("label", { class: "inline" }, debits, "Tampilkan debet (uang keluar)"))),
        list, more),
      panel.el);
    reload();
    return null;
  },
};

export const proposedPage = {
  mount(page) {
    const list = h("div", { class: "lines", id: "proposed-lines" });
    const act = async (line, action) => {
      try {
        await api.call("POST", `/reconciliation/lines/${line.line_id}/${action}`);
        toast(action === "confirm" ? "Dikonfirmasi: pesanan lunas." : "Usulan ditolak; baris kembali ke daftar cek.");
        reload();
      } catch (err) {
        toast(errorText(err), "error");
      }
    };
    async function reload() {
      try {
        const { lines } = await api.call("GET", "/reconciliation/review?queue=proposed");
        replace(list, lines.length ? lines.map((line) => {
          const a = line.allocations[0];
          return h("article", { class: "card row-card" }, rowSummary(line),
            h("p", {}, "Cocok dengan ", h("b", {}, a.order_no), a.customer_name ? ` · ${a.customer_name}` : "",
              " · ", badge(a.status, a.status_label), a.total ? ` · total ${formatRupiah(a.total)}` : ""),
            h("div", { class: "actions" },
              h("button", { type: "button", class: "btn btn-primary", onclick: () => act(line, "confirm") }, "Konfirmasi"),
              h("button", { type: "button", class: "btn btn-secondary", onclick: () => act(line, "unmatch") }, "Tolak")));
        }) : h("p", { class: "empty" }, "Tidak ada usulan yang menunggu."));
      } catch (err) {
        toast(errorText(err), "error");
      }
    }
    replace(page, h("section", { class: "panel" }, h("h2", {}, "Usulan cocok otomatis"),
      h("p", { class: "lead" }, "Kredit dengan nominal tepat satu pesanan. Pesanan lunas setelah Anda konfirmasi."), list));
    reload();
    return null;
  },
};
