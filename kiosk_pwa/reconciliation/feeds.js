// Rekening Bank: per bank account of the store, whether it is connected by SNAP BI (the bank's open
// API) and what its fetches did: last fetch and its result, the next one, the last error in words.
// CS can "Ambil mutasi sekarang"; admins test, connect (the secrets are sent once and never shown
// again) or disconnect. Accounts without SNAP access keep the upload (tab Unggah & Impor).
import * as api from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { formatRupiah } from "../js/format.js";
import { t } from "../js/i18n.js";
import { badge, errorLine, errorText, toast, when } from "../backoffice/common.js";

const REFRESH_MS = 10_000;
const epoch = (iso) => (iso ? Math.floor(Date.parse(iso) / 1000) : null);

function inSeconds(iso) {
  const left = epoch(iso) - Math.floor(Date.now() / 1000);
  return left > 0 ? t("bo.feed.inSeconds", { seconds: left }) : t("bo.feed.now");
}

function field(label, input) {
  return h("label", { class: "field" }, h("span", { class: "field-label" }, label), input);
}

function connectForm(account, onDone) {
  const text = (name, value = "", attrs = {}) => h("input", { name, value, autocomplete: "off", ...attrs });
  const area = (name, placeholder) => h("textarea", { name, rows: 3, placeholder, spellcheck: "false" });
  const connected = account.connected;
  const inputs = {
    base_url: text("base_url", account.base_url || "", { type: "url", placeholder: "https://api.bank.co.id" }),
    partner_id: text("partner_id", account.partner_id || ""),
    client_key: text("client_key", account.client_key || ""),
    client_secret: text("client_secret", "", { type: "password", placeholder: connected ? t("bo.feed.keepSecret") : "" }),
    channel_id: text("channel_id", account.channel_id || "", { maxlength: 5, inputmode: "numeric" }),
    private_key_pem: area("private_key_pem", connected ? t("bo.feed.keepSecret") : "-----BEGIN PRIVATE KEY-----"),
    bank_public_key_pem: area("bank_public_key_pem", connected && account.bank_public_key ? t("bo.feed.keepSecret") : "-----BEGIN PUBLIC KEY-----"),
    interval_seconds: text("interval_seconds", String(account.interval_seconds || 300), { type: "number", min: 30, max: 86400 }),
  };
  const error = errorLine();
  const save = h("button", { type: "submit", class: "btn btn-primary" }, t(connected ? "bo.feed.save" : "bo.feed.connect"));
  const form = h("form", { class: "feed-form", "data-account": account.account_no },
    field(t("bo.feed.baseUrl"), inputs.base_url), field("Partner ID (X-PARTNER-ID)", inputs.partner_id),
    field("Client key (X-CLIENT-KEY)", inputs.client_key), field("Client secret", inputs.client_secret),
    field("Channel ID (CHANNEL-ID)", inputs.channel_id), field(t("bo.feed.privateKey"), inputs.private_key_pem),
    field(t("bo.feed.bankPublicKey"), inputs.bank_public_key_pem), field(t("bo.feed.interval"), inputs.interval_seconds),
    error, h("div", { class: "actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    for (const [name, input] of Object.entries(inputs)) {
      const value = input.value.trim();
      if (name === "interval_seconds") body[name] = Number(value);
      else if (value) body[name] = value;
    }
    save.disabled = true;
    try {
      await api.call("PUT", `/bank-accounts/${account.account_no}/snap`, { body });
      inputs.client_secret.value = "";
      inputs.private_key_pem.value = "";
      error.textContent = "";
      toast(t("bo.feed.saved"));
      onDone();
    } catch (err) {
      error.textContent = errorText(err);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

function accountCard(account, isAdmin, reload) {
  const error = errorLine();
  const act = (label, id, send) => {
    const button = h("button", { type: "button", class: "btn btn-secondary", "data-action": id }, label);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const message = await send();
        error.textContent = "";
        if (message) toast(message);
        reload();
      } catch (err) {
        error.textContent = errorText(err);
      } finally {
        button.disabled = false;
      }
    });
    return button;
  };
  const path = `/bank-accounts/${account.account_no}/snap`;
  const head = h("div", { class: "card-head" },
    h("h3", {}, `${account.bank} ${account.account_no}${account.holder ? ` · ${account.holder}` : ""}`),
    account.connected ? badge("COMPLETED", t("bo.feed.connected")) : badge("CANCELLED", t("bo.feed.notConnected")));
  if (!account.connected) {
    return h("article", { class: "card feed", "data-account": account.account_no }, head,
      h("p", { class: "row-meta" }, t("bo.feed.manualHint")),
      isAdmin ? h("details", {}, h("summary", {}, t("bo.feed.connectTitle")), connectForm(account, reload)) : null);
  }
  const result = account.last_result;
  const failed = result && result.status === "failed";
  const lines = [
    h("p", { class: "feed-last" }, t("bo.feed.lastFetch"), " ",
      h("b", {}, account.last_fetch_at ? when(epoch(account.last_fetch_at)) : t("bo.feed.never")),
      result ? h("span", { class: failed ? "feed-result failed" : "feed-result" }, ` · ${failed ? t("bo.feed.failed") : result.message}`) : null),
    h("p", { class: "feed-next" }, t("bo.feed.nextFetch"), " ",
      h("b", {}, account.fetching ? t("bo.feed.fetching") : `${when(epoch(account.next_fetch_at))} (${inSeconds(account.next_fetch_at)})`),
      ` · ${t("bo.feed.every", { seconds: account.interval_seconds })}`),
    account.last_success_at && failed ? h("p", { class: "row-meta" }, t("bo.feed.lastSuccess", { at: when(epoch(account.last_success_at)) })) : null,
    // The last error stays in view (in red while it is the latest result, muted once a fetch worked).
    account.last_error ? h("p", { class: failed ? "form-error feed-error" : "row-meta feed-error", role: "status" },
      t("bo.feed.lastError", { at: when(epoch(account.last_error.at)) }), " ", account.last_error.message,
      account.last_error.response_code ? ` (${account.last_error.response_code})` : "") : null,
  ];
  const actions = [act(t("bo.feed.fetchNow"), "fetch", async () => {
    const view = await api.call("POST", `${path}/fetch`);
    return view.last_result?.status === "ok" ? view.last_result.message : null;
  })];
  if (isAdmin) {
    actions.push(act(t("bo.feed.test"), "test", async () => {
      const r = await api.call("POST", `${path}/test`);
      if (!r.ok) throw new api.ApiError(502, "snap_test_failed", r.message);
      return r.balance === null ? r.message : t("bo.feed.testOk", { balance: formatRupiah(r.balance) });
    }));
    actions.push(act(t("bo.feed.disconnect"), "disconnect", async () => {
      if (!window.confirm(t("bo.feed.disconnectConfirm", { account: account.account_no }))) return null;
      await api.call("DELETE", path);
      return t("bo.feed.disconnected");
    }));
  }
  return h("article", { class: "card feed", "data-account": account.account_no }, head, ...lines, error,
    h("div", { class: "actions" }, ...actions),
    isAdmin ? h("details", {}, h("summary", {}, t("bo.feed.changeTitle")), connectForm(account, reload)) : null);
}

export function mount(page, me) {
  const isAdmin = me.role === "admin";
  const list = h("div", { class: "lines", id: "bank-feeds" });
  const error = errorLine();
  let open = new Set(); // forms an admin has open survive the refresh
  async function reload() {
    open = new Set([...list.querySelectorAll("details[open]")].map((d) => d.closest("[data-account]")?.dataset.account));
    if (list.querySelector("details[open] input:focus, details[open] textarea:focus")) return; // never under the typing
    try {
      const { accounts } = await api.call("GET", "/bank-accounts/snap");
      replace(list, accounts.length ? accounts.map((a) => {
        const card = accountCard(a, isAdmin, reload);
        if (open.has(a.account_no)) card.querySelector("details")?.setAttribute("open", "");
        return card;
      }) : h("p", { class: "empty" }, t("bo.feed.noAccounts")));
      error.textContent = "";
    } catch (err) {
      error.textContent = errorText(err);
    }
  }
  replace(page, h("section", { class: "panel" },
    h("div", { class: "toolbar" }, h("h2", {}, t("bo.feed.title"))),
    h("p", { class: "row-meta" }, t("bo.feed.intro")), error, list));
  reload();
  const timer = setInterval(reload, REFRESH_MS);
  return () => clearInterval(timer);
}
