/* The household editor (登记困难职工申请 and 家庭信息维护, forms marked data-household-editor): adding and removing household rows, the region code from the head's resident
 * ID, and the 计算结果 panel kept up to date as figures are typed (debounced POST of the form to
 * the assess endpoint). Resident-ID hints come from registration.js. The server computes and
 * checks everything again; without this script the 计算 button posts the page back. */
(function () {
  "use strict";
  if (window.ucHardshipRegister) { return; }

  var FORM_SELECTOR = "form[data-household-editor]";
  var DELAY = 350;
  var timer = null;
  var sequence = 0;

  function theForm() { return document.querySelector(FORM_SELECTOR); }
  function field(form, name) { return form.querySelector("[name='" + name + "']"); }

  function addRow(button) {
    var form = theForm();
    var kind = button.getAttribute("data-add-row");
    var total = field(form, kind + "-TOTAL_FORMS");
    var max = field(form, kind + "-MAX_NUM_FORMS");
    var template = document.getElementById(kind + "-template");
    var rows = document.getElementById(kind + "-rows");
    if (!total || !template || !rows) { return; }
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) { return; }
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    var first = rows.lastElementChild && rows.lastElementChild.querySelector("input:not([type=checkbox]), select");
    if (first) { first.focus(); }
  }

  function showRemoved(checkbox) {
    var row = checkbox.closest(".uc-row");
    if (row) { row.classList.toggle("uc-row--removed", checkbox.checked); }
  }

  function showSource(form) {
    var chosen = form.querySelector("input[name='source']:checked");
    var referral = chosen && chosen.value === "referral";
    var boxes = form.querySelectorAll("[data-referral-only]");
    for (var i = 0; i < boxes.length; i++) { boxes[i].hidden = !referral; }
  }

  /* The household's region defaults to the head's registration region, until typed over. */
  function regionFromHead(form, input) {
    var region = field(form, "region_code");
    if (!region || !window.ucRegistration) { return; }
    var result = window.ucRegistration.parseResidentId(input.value);
    if (result.ok && (!region.value || region.getAttribute("data-auto") === "1")) {
      region.value = result.region;
      region.setAttribute("data-auto", "1");
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function render(result) {
    var body = document.getElementById("assessment-body");
    if (!body) { return; }
    body.textContent = "";
    if (result.ok) {
      var category = element("p", "uc-assessment__category", result.category_label);
      category.setAttribute("data-category", result.category);
      body.appendChild(category);
      body.appendChild(element("p", "uc-field__help", result.standard));
      var list = element("ol", "uc-computation");
      for (var i = 0; i < result.steps.length; i++) { list.appendChild(element("li", "", result.steps[i])); }
      body.appendChild(list);
    } else {
      body.appendChild(element("p", "uc-assessment__note", result.message));
    }
    var notes = result.notes || [];
    for (var j = 0; j < notes.length; j++) { body.appendChild(element("p", "uc-assessment__note", notes[j])); }
  }

  function assess() {
    var form = theForm();
    if (!form) { return; }
    var mine = ++sequence;
    var panel = document.getElementById("assessment");
    if (panel) { panel.setAttribute("aria-busy", "true"); }
    fetch(form.getAttribute("data-assess-url"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" }
    }).then(function (response) {
      return response.json();
    }).then(function (result) {
      if (mine === sequence) { render(result); }
    }).catch(function () {
      if (mine === sequence) { render({ ok: false, message: "暂时无法计算，请检查网络后点击“计算”。" }); }
    }).then(function () {
      if (panel && mine === sequence) { panel.removeAttribute("aria-busy"); }
    });
  }

  function later() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(assess, DELAY);
  }

  function inForm(target) { return target && target.form && target.form === theForm(); }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!inForm(target)) { return; }
    if (target.name === "region_code") { target.removeAttribute("data-auto"); }
    if (target.name === "head-resident_id") { regionFromHead(target.form, target); }
    later();
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!inForm(target)) { return; }
    if (/-DELETE$/.test(target.name)) { showRemoved(target); }
    if (target.name === "source") { showSource(target.form); }
    later();
  });
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("[data-add-row]") : null;
    if (button && inForm(button)) { event.preventDefault(); addRow(button); }
  });

  function refresh() {
    var form = theForm();
    if (!form) { return; }
    showSource(form);
    var boxes = form.querySelectorAll("input[name$='-DELETE']");
    for (var i = 0; i < boxes.length; i++) { showRemoved(boxes[i]); }
  }
  document.addEventListener("turbo:load", refresh);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", refresh); } else { refresh(); }

  window.ucHardshipRegister = { assess: assess };
})();
