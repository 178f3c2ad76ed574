// Search-as-you-type for the search box: an ARIA 1.2 combobox over /api/search.
// The form still works without JavaScript; this only adds suggestions.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("q-suggestions");
  var status = document.getElementById("q-status");
  if (!input || !list) { return; }
  var timer = null, seq = 0, active = -1, items = [];

  function close() {
    list.hidden = true;
    list.innerHTML = "";
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    options.forEach(function (el, i) { el.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(index) {
    if (items[index]) { window.location.href = items[index].url; }
  }

  function render(people) {
    list.innerHTML = "";
    items = people.map(function (p) { return { url: list.dataset.personUrl.replace("__uid__", encodeURIComponent(p.uid)) }; });
    people.forEach(function (p, i) {
      var li = document.createElement("li");
      li.id = "q-opt-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var name = document.createElement("span");
      name.className = "opt-name";
      name.textContent = p.name;
      var detail = document.createElement("span");
      detail.className = "opt-detail";
      var unit = p.unit.length ? p.unit[p.unit.length - 1].name : "";
      detail.textContent = [p.title, unit].filter(Boolean).join(" · ");
      li.appendChild(name);
      li.appendChild(detail);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    var open = people.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    active = -1;
    if (status) { status.textContent = open ? list.dataset.countText.replace("{n}", people.length) : ""; }
  }

  function lookup() {
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    var mine = ++seq;
    var url = list.dataset.api + "?per_page=8&q=" + encodeURIComponent(q);
    var scope = document.getElementById("unit");
    if (scope && scope.value) { url += "&unit=" + encodeURIComponent(scope.value); }
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { people: [] }; })
      .then(function (data) { if (mine === seq) { render(data.people || []); } })
      .catch(function () { if (mine === seq) { close(); } });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 200);
  });
  input.addEventListener("keydown", function (e) {
    if (list.hidden) { return; }
    var count = items.length;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % count); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active <= 0 ? count - 1 : active - 1); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
    else if (e.key === "Escape") { e.preventDefault(); close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
