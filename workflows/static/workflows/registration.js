/* 登记申请: resident ID autofill (GB 11643) and adding claim rows. No build step, no dependencies.
 *
 * The server checks everything again (cases.rules.validators); this only tells the person at
 * once. Listeners are delegated on document, so they survive Turbo's page swaps. */
(function () {
  "use strict";
  if (window.ucRegistration) { return; }

  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK_CHARS = "10X98765432";

  function checkChar(first17) {
    var total = 0;
    for (var i = 0; i < 17; i++) { total += parseInt(first17.charAt(i), 10) * WEIGHTS[i]; }
    return CHECK_CHARS.charAt(total % 11);
  }

  /* {ok: true, birthDate, sex, region} or {ok: false, message} for an 18-character number. */
  function parseResidentId(value) {
    var number = value.trim().toUpperCase();
    if (number.length !== 18) {
      return { ok: false, message: "公民身份号码应为18位，当前为" + number.length + "位（GB 11643）。" };
    }
    if (!/^[0-9]{17}[0-9X]$/.test(number)) {
      return { ok: false, message: "公民身份号码前17位应为数字，最后一位应为数字或X（GB 11643）。" };
    }
    var year = parseInt(number.substr(6, 4), 10);
    var month = parseInt(number.substr(10, 2), 10);
    var day = parseInt(number.substr(12, 2), 10);
    var birth = new Date(year, month - 1, day);
    if (birth.getFullYear() !== year || birth.getMonth() !== month - 1 || birth.getDate() !== day) {
      return { ok: false, message: "公民身份号码第7–14位的出生日期“" + number.substr(6, 8) + "”不是有效日期（GB 11643）。" };
    }
    if (birth > new Date()) {
      return { ok: false, message: "公民身份号码中的出生日期晚于今天（GB 11643）。" };
    }
    if (checkChar(number.substr(0, 17)) !== number.charAt(17)) {
      return { ok: false, message: "公民身份号码校验码不正确（GB 11643）。" };
    }
    return {
      ok: true,
      birthDate: year + "年" + month + "月" + day + "日",
      sex: parseInt(number.charAt(16), 10) % 2 === 1 ? "男" : "女",
      region: number.substr(0, 6)
    };
  }

  function field(form, name) { return form.querySelector("[name='" + name + "']"); }

  function showResidentId(input) {
    var form = input.form;
    var prefix = input.name.replace(/resident_id$/, "");
    var hint = form.querySelector("[data-hint-for='" + input.name + "']");
    var targets = { birth: field(form, prefix + "birth_date"), sex: field(form, prefix + "sex"), region: field(form, prefix + "region_code") };
    var value = input.value.trim();
    var result = value.length === 18 ? parseResidentId(value) : null;
    if (targets.birth) { targets.birth.value = result && result.ok ? result.birthDate : ""; }
    if (targets.sex) { targets.sex.value = result && result.ok ? result.sex : ""; }
    if (targets.region) { targets.region.value = result && result.ok ? result.region : ""; }
    if (!hint) { return; }
    hint.className = "uc-field__hint";
    if (result === null) {
      hint.textContent = value.length > 18 ? "公民身份号码应为18位，当前为" + value.length + "位（GB 11643）。" : "";
      if (value.length > 18) { hint.classList.add("uc-field__hint--bad"); }
    } else if (result.ok) {
      hint.textContent = "号码有效：" + result.birthDate + "出生，" + result.sex + "，地区代码" + result.region + "。";
      hint.classList.add("uc-field__hint--ok");
    } else {
      hint.textContent = result.message;
      hint.classList.add("uc-field__hint--bad");
    }
    input.setAttribute("aria-invalid", result && !result.ok ? "true" : "false");
  }

  function addClaimRow(button) {
    var form = button.form;
    var total = field(form, "claims-TOTAL_FORMS");
    var max = field(form, "claims-MAX_NUM_FORMS");
    var template = document.getElementById("claim-template");
    var rows = document.getElementById("claim-rows");
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) { return; }
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = rows.lastElementChild && rows.lastElementChild.querySelector("select, input");
    if (first) { first.focus(); }
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("input[data-resident-id]")) { showResidentId(target); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("#add-claim") : null;
    if (button) { event.preventDefault(); addClaimRow(button); }
  });

  function refresh() {
    var inputs = document.querySelectorAll("input[data-resident-id]");
    for (var i = 0; i < inputs.length; i++) { if (inputs[i].value) { showResidentId(inputs[i]); } }
  }
  document.addEventListener("turbo:load", refresh);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", refresh); } else { refresh(); }

  window.ucRegistration = { parseResidentId: parseResidentId, checkChar: checkChar };
})();
