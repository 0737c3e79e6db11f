// Pencetakan: the store's print stations and their printers (admins), the print job list with
// failure reasons, reprints and a test page. A section of the back office (../backoffice/shell.js).
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { errorLine, errorText, toast, when } from "../backoffice/common.js";

const ROLES = ["receipt", "label"];
const PRINTER_NAMES = { receipt: "bo.print.receiptPrinter", label: "bo.print.labelPrinter" };
const ROLE_NAMES = { receipt: "bo.print.receipt", label: "bo.ship.label" };
const STATUS_NAMES = {
  QUEUED: "bo.print.status.queued", LEASED: "bo.print.status.leased", PRINTED: "bo.print.status.printed",
  FAILED: "bo.print.status.failed", EXPIRED: "bo.book.status.expired",
};
const FINISHED = new Set(["PRINTED", "FAILED", "EXPIRED"]);
const REFRESH_MS = 5000;

let me = null; // /auth/me: who is signed in, and the store
let statusFilter = "";
let refreshTimer = null;
let reprints = new Map(); // job id -> api.Intent: a retried tap keeps its Idempotency-Key
let testPages = new Map(); // role -> api.Intent
// Errors stay on the panel they belong to while the job list refreshes itself, until an attempt works.
let stationsError = null;
let jobsError = null;

const intentFor = (map, key) => map.get(key) || map.set(key, new api.Intent()).get(key);

// ---- the page -----------------------------------------------------------------------------------

export function mount(root, person) {
  me = person;
  reprints = new Map();
  testPages = new Map();
  stationsError = errorLine();
  jobsError = errorLine();
  const stations = h("section", { class: "panel", id: "stations" });
  const jobs = h("section", { class: "panel", id: "jobs" });
  replace(root, me.role === "admin" ? stations : null, jobs);
  (async () => {
    if (me.role === "admin") await renderStations(stations);
    await renderJobs(jobs);
    startRefresh(jobs);
  })().catch((err) => { jobsError.textContent = errorText(err); });
  return stopRefresh;
}

async function renderStations(root) {
  let data;
  try {
    data = await api.call("GET", "/print/stations");
  } catch (err) {
    replace(root, h("h2", {}, t("bo.print.stations")), errorLine(errorText(err)));
    return;
  }
  const routes = ROLES.map((role) => {
    const route = data.routes[role];
    const button = h("button", { type: "button", class: "btn btn-secondary", disabled: !route }, t("bo.print.testPage"));
    button.addEventListener("click", () => printTestPage(role, button));
    return h("div", { class: "route" },
      h("div", {},
        h("strong", {}, `${t(PRINTER_NAMES[role])}: `),
        route ? `${route.station_name} · ${route.profile}` : t("bo.print.noStation")),
      button);
  });
  const builtins = data.builtin_profiles.map((p) => p.name);
  replace(root,
    h("h2", {}, t("bo.print.stations")),
    data.stations.length ? null : h("p", { class: "notice" }, t("bo.print.noStations")),
    routes, stationsError,
    h("div", { class: "grid-auto" }, data.stations.map((s) => stationCard(s, builtins, root))));
}

function stationCard(station, builtins, root) {
  const error = h("p", { class: "form-error", role: "alert" });
  const selects = {};
  const rows = ROLES.map((role) => {
    const current = station.printers.find((p) => p.role === role);
    const select = h("select", { class: "input input-small", id: `printer-${station.station_id}-${role}` },
      h("option", { value: "" }, current && current.active && !current.assigned
        ? t("bo.print.automatic", { profile: current.profile }) : t("bo.print.unused")),
      station.profile_choices[role].map((name) => h("option", {
        value: name, selected: Boolean(current && current.assigned && current.profile === name),
      }, name)));
    selects[role] = select;
    const serving = current && current.active ? ` · ${t("bo.print.serving")}` : current ? ` · ${t("bo.print.standby")}` : "";
    return h("label", { class: "field" },
      h("span", { class: "field-label" }, `${t(PRINTER_NAMES[role])}${serving}`), select);
  });
  const save = h("button", { type: "button", class: "btn btn-primary" }, t("bo.print.save"));
  save.addEventListener("click", async () => {
    save.disabled = true;
    error.textContent = "";
    const printers = ROLES.filter((role) => selects[role].value)
      .map((role) => ({ role, profile: selects[role].value }));
    try {
      await api.call("PUT", `/print/stations/${encodeURIComponent(station.station_id)}/printers`, { body: { printers } });
      toast(t("bo.print.saved"));
      await renderStations(root);
    } catch (err) {
      error.textContent = errorText(err);
      save.disabled = false;
    }
  });
  return h("article", { class: "station" },
    h("h3", {}, station.name),
    h("p", { class: "hint" }, station.last_seen_at
      ? t("bo.print.lastSeen", { at: when(station.last_seen_at) }) : t("bo.print.neverSeen")),
    rows, save, error,
    profilesBlock(station, builtins, root));
}

function profilesBlock(station, builtins, root) {
  const error = errorLine();
  const name = h("input", { class: "input input-small", required: true, maxlength: 40, placeholder: t("bo.print.profileNamePlaceholder") });
  const base = h("select", { class: "input input-small" },
    [...builtins, ...station.profiles.map((p) => p.name)].map((n) => h("option", { value: n }, n)));
  const extra = h("textarea", { class: "input", placeholder: '{"band_height": 256}' });
  const submit = h("button", { type: "submit", class: "btn btn-secondary" }, t("bo.print.addProfile"));

  async function onSubmit(event) {
    event.preventDefault();
    error.textContent = "";
    let fields = {};
    if (extra.value.trim()) {
      try {
        fields = JSON.parse(extra.value);
      } catch {
        error.textContent = t("bo.print.notJson");
        return;
      }
      if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
        error.textContent = t("bo.print.notObject");
        return;
      }
    }
    submit.disabled = true;
    try {
      const body = { ...fields, name: name.value.trim(), base: base.value };
      await api.call("POST", `/print/stations/${encodeURIComponent(station.station_id)}/profiles`, { body });
      toast(t("bo.print.profileSaved", { name: body.name }));
      await renderStations(root);
    } catch (err) {
      error.textContent = errorText(err);
      submit.disabled = false;
    }
  }

  return h("details", {},
    h("summary", {}, t("bo.print.customProfiles", { count: station.profiles.length })),
    station.profiles.length
      ? h("ul", {}, station.profiles.map((p) => h("li", {}, h("code", {}, JSON.stringify(p)))))
      : h("p", { class: "hint" }, t("bo.print.noProfiles")),
    h("form", { class: "panel", onsubmit: onSubmit },
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.print.profileName")), name),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.print.baseProfile")), base),
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("bo.print.differences")), extra),
      error, submit));
}

async function printTestPage(role, button) {
  button.disabled = true;
  try {
    await intentFor(testPages, role).run((key) =>
      api.call("POST", "/print/test-page", { body: { role }, idempotencyKey: key }));
    stationsError.textContent = "";
    toast(t("bo.print.testQueued", { printer: t(PRINTER_NAMES[role]).toLowerCase() }));
    testPages.delete(role);
    await renderJobs(document.getElementById("jobs"));
  } catch (err) {
    stationsError.textContent = errorText(err);
  } finally {
    button.disabled = false;
  }
}

async function renderJobs(root) {
  const filter = h("select", { class: "input input-small", id: "job-filter", "aria-label": t("bo.print.filter") },
    h("option", { value: "" }, t("bo.ship.filter.allStatuses")),
    Object.entries(STATUS_NAMES).map(([value, key]) => h("option", { value, selected: value === statusFilter }, t(key))));
  filter.addEventListener("change", () => {
    statusFilter = filter.value;
    renderJobs(root);
  });
  let jobs;
  try {
    const query = statusFilter ? `?status=${statusFilter}&limit=100` : "?limit=100";
    ({ jobs } = await api.call("GET", `/print/jobs${query}`));
  } catch (err) {
    replace(root, h("div", { class: "row" }, h("h2", {}, t("bo.print.jobs")), filter), jobsError, errorLine(errorText(err)));
    return;
  }
  replace(root,
    h("div", { class: "row" }, h("h2", {}, t("bo.print.jobs")), filter),
    jobsError,
    jobs.length ? h("table", { class: "table" },
      h("thead", {}, h("tr", {}, ["bo.stock.at", "bo.print.document", "bo.print.printer", "bo.common.status", "bo.print.detail",
        "bo.print.station", ""].map((key) => h("th", { scope: "col" }, key ? t(key) : "")))),
      h("tbody", {}, jobs.map((job) => jobRow(job, root))))
      : h("p", { class: "hint" }, t("bo.print.noJobs")));
}

// Receipts are reprinted from the sales history, which marks the copy (SALINAN ke-N); not from here.
const RECEIPT_KINDS = new Set(["receipt", "refund_receipt"]);

function jobRow(job, root) {
  let action = null;
  if (FINISHED.has(job.status) && RECEIPT_KINDS.has(job.kind)) {
    action = h("span", { class: "hint" }, t("bo.print.reprintFromHistory"));
  } else if (FINISHED.has(job.status)) {
    action = h("button", { type: "button", class: "btn btn-secondary" }, t("bo.shift.reprint"));
    action.addEventListener("click", async () => {
      action.disabled = true;
      try {
        await intentFor(reprints, job.job_id).run((key) =>
          api.call("POST", `/print/jobs/${encodeURIComponent(job.job_id)}/reprint`, { body: {}, idempotencyKey: key }));
        reprints.delete(job.job_id);
        jobsError.textContent = "";
        toast(t("bo.print.reprinted"));
        await renderJobs(root);
      } catch (err) {
        jobsError.textContent = errorText(err);
        action.disabled = false;
      }
    });
  }
  const detail = job.status === "FAILED" ? job.reason : job.status === "QUEUED" ? job.note : null;
  return h("tr", { dataset: { jobId: job.job_id } },
    h("td", {}, when(job.created_at)),
    h("td", {}, job.title || job.kind, job.reprint_of ? h("div", { class: "hint" }, t("bo.print.isReprint")) : null),
    h("td", {}, ROLE_NAMES[job.role] ? t(ROLE_NAMES[job.role]) : job.role, job.copies > 1 ? ` ×${job.copies}` : ""),
    h("td", {}, h("span", { class: `badge badge-${job.status}` }, STATUS_NAMES[job.status] ? t(STATUS_NAMES[job.status]) : job.status)),
    h("td", { class: "job-detail" }, detail || (job.attempts > 1 ? t("bo.print.attempts", { count: job.attempts }) : "")),
    h("td", {}, job.station_name || "-"),
    h("td", {}, action));
}

function startRefresh(root) {
  stopRefresh();
  // Only while someone looks at it: a hidden tab does not poll the API.
  refreshTimer = setInterval(() => {
    if (document.visibilityState === "visible" && !root.contains(document.activeElement)) renderJobs(root);
  }, REFRESH_MS);
}

function stopRefresh() {
  clearInterval(refreshTimer);
  refreshTimer = null;
}

