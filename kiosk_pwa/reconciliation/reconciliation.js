// Mutasi Bank, for CS: upload the bank's statement (mutasi), follow its import, check the rows the
// matcher left for a person, confirm or match by hand, unmatch, turn paid book orders into sales,
// and account for every credit (the day's money check, refunds, rows set aside). A section of the
// back office (../backoffice/shell.js); its views are told apart by the hash.
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { subTabs } from "../backoffice/common.js";
import * as audit from "./audit.js";
import * as feeds from "./feeds.js";
import * as mapping from "./mapping.js";
import * as money from "./money.js";
import * as paid from "./paid.js";
import { proposedPage, reviewPage } from "./review.js";
import * as uploads from "./upload.js";

const VIEWS = [
  { id: "impor", label: "bo.recon.tab.upload", module: uploads },
  { id: "rekening", label: "bo.recon.tab.feeds", module: feeds },
  { id: "cek", label: "bo.recon.tab.review", module: reviewPage },
  { id: "usulan", label: "bo.recon.tab.proposed", module: proposedPage },
  { id: "dibayar", label: "bo.recon.tab.paid", module: paid },
  { id: "uang", label: "bo.recon.tab.money", module: money },
  { id: "riwayat", label: "bo.recon.tab.audit", module: audit },
  { id: "format", label: "bo.recon.tab.mapping", module: mapping },
];

export function mount(root, me) {
  let stopView = null;

  function go() {
    const body = h("div", { class: "view" }); // a new one per view: a slow answer for the last view lands nowhere
    const target = VIEWS.find((v) => v.id === window.location.hash.slice(1)) || VIEWS[0];
    if (stopView) stopView();
    replace(root, subTabs(VIEWS.map((v) => ({ id: v.id, label: t(v.label) })), target.id,
      (id) => { window.location.hash = id; }, t("bo.nav.reconciliation")), body);
    stopView = target.module.mount(body, me) || null;
  }

  window.addEventListener("hashchange", go);
  go();
  return () => {
    window.removeEventListener("hashchange", go);
    if (stopView) stopView();
  };
}
