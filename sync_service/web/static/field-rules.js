// Form 1's field rules as the person types. The server answers with the same
// parse it runs on submission (POST /apply/check), so the message beside a
// field here is the message the submission would give. No framework, no
// other origin (CSP 'self').
(function () {
  "use strict";
  var form = document.getElementById("form-1");
  if (!form) { return; }
  var token = form.querySelector('input[name="csrf_token"]').value;
  var touched = {};
  var timer = null;
  var latest = 0;  // answers to older questions are stale: only the newest is shown

  function values() {
    var data = {};
    new FormData(form).forEach(function (v, k) { data[k] = v; });
    return data;
  }

  function show(field, finding) {
    var box = document.getElementById("error-" + field);
    if (!box) { return; }
    var wrap = form.querySelector('[data-field="' + field + '"]');
    var input = document.getElementById(field);
    box.textContent = "";
    if (finding) {
      var zh = document.createElement("span"); zh.lang = "zh-Hant"; zh.textContent = finding.zh;
      var en = document.createElement("span"); en.lang = "en"; en.textContent = finding.en;
      box.appendChild(zh); box.appendChild(document.createTextNode(" ")); box.appendChild(en);
    }
    if (wrap) { wrap.classList.toggle("invalid", !!finding); }
    if (input) { if (finding) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); } }
  }

  function check() {
    var asked = ++latest;
    var request = new XMLHttpRequest();
    request.open("POST", form.dataset.check);
    request.setRequestHeader("Content-Type", "application/json");
    request.setRequestHeader("X-CSRFToken", token);
    request.onload = function () {
      if (request.status !== 200 || asked !== latest) { return; }
      var findings = JSON.parse(request.responseText);
      Object.keys(touched).forEach(function (field) { show(field, findings[field]); });
      form.dataset.checked = String(asked);
    };
    request.send(JSON.stringify(values()));
  }

  function documents() {
    var data = values();
    var type = (data.type || "").toUpperCase();
    var category = data.category || "";
    form.querySelectorAll("#documents li[data-document]").forEach(function (item) {
      var types = item.dataset.types.split(" ");
      var categories = item.dataset.categories.split(" ");
      item.hidden = !(types.indexOf(type) >= 0 && (!category || categories.indexOf(category) >= 0));
    });
    form.querySelectorAll(".only-b").forEach(function (box) { box.hidden = type !== "B" && type !== ""; });
  }

  function changed(event) {
    var name = event.target.name;
    if (!name || name === "csrf_token" || name === "captcha" || name === "challenge") { return; }
    if (event.type === "input" && !touched[name]) { return; }  // judge a field once the person has left it
    touched[name] = true;
    if (name === "type" && touched.account) { touched.account = true; }
    documents();
    clearTimeout(timer);
    timer = setTimeout(check, event.type === "input" ? 300 : 0);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", changed);
  documents();
})();
