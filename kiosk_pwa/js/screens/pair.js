// First run: a store admin gives this tablet a one-time pairing code from the back office.
import * as api from "../api.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";

export function mount(root, app, params) {
  const error = h("p", { class: "form-error", role: "alert", id: "pair-error" }, params.message || "");
  const code = h("input", {
    id: "pair-code", name: "code", class: "input input-code", required: true, maxlength: 16,
    autocomplete: "off", autocapitalize: "characters", spellcheck: "false", "aria-describedby": "pair-code-help pair-error",
  });
  const name = h("input", {
    id: "pair-name", name: "name", class: "input", required: true, maxlength: 60, value: t("pair.defaultName"),
  });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg" }, t("pair.submit"));

  async function onSubmit(event) {
    event.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    error.textContent = "";
    try {
      const paired = await api.pairDevice(code.value.trim(), name.value.trim());
      api.device.set(paired);
      app.go("login");
      app.toast(t("pair.done", { store: paired.store_name }));
    } catch (err) {
      error.textContent = app.errorText(err);
      submit.disabled = false;
      code.focus();
    }
  }

  root.append(h("section", { class: "screen screen-pair", "aria-labelledby": "pair-title" },
    h("form", { class: "panel pair-panel", onsubmit: onSubmit, novalidate: true },
      h("h2", { id: "pair-title" }, t("pair.title")),
      h("p", { class: "lead" }, t("pair.lead")),
      h("label", { for: "pair-code", class: "field-label" }, t("pair.code")),
      code,
      h("p", { class: "hint", id: "pair-code-help" }, t("pair.codeHelp")),
      h("label", { for: "pair-name", class: "field-label" }, t("pair.name")),
      name,
      error,
      submit)));
  return null;
}
