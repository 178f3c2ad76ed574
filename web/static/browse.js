// Expand the organisational tree in place: a disclosure button per unit loads its children
// from /api/units/<code>/children. Without JavaScript every unit is a plain link to its page.
(function () {
  "use strict";
  var tree = document.getElementById("unit-tree");
  if (!tree || !window.fetch) { return; }
  var data = tree.dataset;
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "vi");
  var nextId = 0;

  function countText(n) {
    var template = n === 1 ? data.countOne : data.countOther;
    return template.replace("{n}", numbers.format(n));
  }

  function urlFor(template, code) {
    return template.replace("__code__", encodeURIComponent(code));
  }

  function node(unit) {
    var li = document.createElement("li");
    li.dataset.code = unit.code;
    li.dataset.hasChildren = unit.has_children ? "true" : "false";
    var link = document.createElement("a");
    link.href = urlFor(data.unitUrl, unit.code);
    link.textContent = unit.name;
    var count = document.createElement("span");
    count.className = "count";
    count.textContent = countText(unit.people);
    li.appendChild(link);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(count);
    enhance(li);
    return li;
  }

  function load(li, button) {
    var list = document.createElement("ul");
    list.className = "tree-level";
    list.id = "unit-tree-" + (nextId++);
    list.setAttribute("aria-busy", "true");
    li.appendChild(list);
    button.setAttribute("aria-controls", list.id);
    return fetch(urlFor(data.childrenUrl, li.dataset.code), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (body) {
        body.children.forEach(function (unit) { list.appendChild(node(unit)); });
        list.removeAttribute("aria-busy");
        return list;
      });
  }

  function enhance(li) {
    if (li.dataset.hasChildren !== "true") { return; }
    var link = li.querySelector("a");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "toggle";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-label", data.toggleLabel.replace("{name}", link.textContent));
    li.insertBefore(button, li.firstChild);
    var list = null, loading = false;
    button.addEventListener("click", function () {
      if (loading) { return; }
      var open = button.getAttribute("aria-expanded") === "true";
      if (open) {
        button.setAttribute("aria-expanded", "false");
        list.hidden = true;
        return;
      }
      button.setAttribute("aria-expanded", "true");
      if (list) { list.hidden = false; return; }
      loading = true; // a disabled button would lose keyboard focus
      load(li, button).then(function (loaded) {
        list = loaded;
        loading = false;
      }, function () {
        window.location.href = link.href; // the unit's page lists its sub-units too
      });
    });
  }

  tree.querySelectorAll("li[data-code]").forEach(enhance);
})();
