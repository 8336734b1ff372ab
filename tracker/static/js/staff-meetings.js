// Meeting form, progressive enhancement: agency search over names and aliases, and
// adding/removing participant rows without a round trip. Without this script the
// form still works: the datalist suggests names, and the buttons re-render on the server.
(function () {
  "use strict";
  var form = document.querySelector("form.meeting-form");
  if (!form) return;
  var searchUrl = form.getAttribute("data-agency-search");
  var rows = form.querySelector("[data-rows]");
  var live = document.createElement("datalist");
  live.id = "agency-options-live";
  form.appendChild(live);
  var found = {};
  var timer = null;

  function rowOf(el) { return el.closest("[data-row]"); }
  // A row as added and removed: the review wraps each one in a <details> line.
  function unitOf(el) { return el.closest("details.review-row") || rowOf(el); }
  function units() {
    return Array.prototype.filter.call(rows.children, function (el) {
      return el.matches("[data-row], details.review-row");
    });
  }

  function search(input) {
    var q = input.value.trim();
    if (q.length < 2) return;
    // Only the bodies that existed on the meeting's day, once a day is typed.
    var day = form.querySelector("input[name=start_date]");
    var on = day && day.value ? "&on=" + encodeURIComponent(day.value) : "";
    // The meeting's province ranks its own regency bodies first (Polres Banjar: two exist).
    var province = form.querySelector("select[name=region_province]");
    var code = province && province.value;
    var near = code ? "&province=" + encodeURIComponent(code) : "";
    fetch(searchUrl + "?q=" + encodeURIComponent(q) + on + near, {
      headers: { Accept: "application/json" }, credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : { results: [] }; }).then(function (data) {
      live.textContent = "";
      found = {};
      data.results.forEach(function (a) {
        var option = document.createElement("option");
        option.value = a.short_name;
        option.label = a.full_name + (a.region ? " (" + a.region + ")" : "") +
          (a.matched_alias ? " · " + a.matched_alias : "");
        live.appendChild(option);
        // A name two bodies share stays unpicked: the server settles it by province.
        var name = a.short_name.toLowerCase();
        found[name] = name in found ? "" : a.value;
      });
      input.setAttribute("list", "agency-options-live");
    }).catch(function () { /* keep the static suggestions */ });
  }

  function pick(input) {
    var hidden = rowOf(input).querySelector("input.agency-id");
    if (!hidden) return;  // the row shows the "Cari" results: the radio buttons decide
    var value = found[input.value.trim().toLowerCase()];
    hidden.value = value ? String(value) : "";
  }

  form.addEventListener("input", function (e) {
    if (!e.target.classList.contains("agency-input")) return;
    clearTimeout(timer);
    var input = e.target;
    timer = setTimeout(function () { search(input); }, 200);
  });
  form.addEventListener("change", function (e) {
    if (e.target.classList.contains("agency-input")) pick(e.target);
  });

  function renumber(row, index) {
    var pattern = /participations-\d+-/g;
    var next = "participations-" + index + "-";
    row.querySelectorAll("[name],[id],[for],[aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(pattern, next));
      });
    });
    row.querySelectorAll("button.remove-row, button[name=find_agency]").forEach(function (b) {
      b.value = String(index);
    });
  }

  function nextIndex() {
    var max = -1;
    rows.querySelectorAll("button.remove-row").forEach(function (b) {
      max = Math.max(max, parseInt(b.value, 10));
    });
    return max + 1;
  }

  function relabel() {
    rows.querySelectorAll("[data-row] > legend").forEach(function (legend, i) {
      legend.textContent = legend.textContent.replace(/\d+\s*$/, String(i + 1));
    });
  }

  form.addEventListener("click", function (e) {
    var button = e.target.closest("button");
    if (!button) return;
    if (button.name === "add_row") {
      e.preventDefault();
      var all = units();
      var copy = all[all.length - 1].cloneNode(true);
      if (copy.tagName === "DETAILS") {
        // A new line starts open and plain: no uncertain mark, warnings or evidence of the copied one.
        copy.open = true;
        copy.classList.remove("uncertain");
        copy.querySelectorAll(":scope > .warning, :scope > blockquote.evidence, .uncertain-mark, .field-error").forEach(function (el) { el.remove(); });
      }
      // A row copied after its "Cari" shows plain fields again: no choices, a hidden id.
      copy.querySelectorAll(".agency-choices, .agency-picker [role=status]").forEach(function (el) { el.remove(); });
      if (!copy.querySelector("input.agency-id")) {
        var id = document.createElement("input");
        id.type = "hidden";
        id.className = "agency-id";
        id.name = copy.querySelector("input.agency-input").name.replace(/agency_name$/, "agency_id");
        copy.insertBefore(id, copy.firstChild);
      }
      copy.querySelectorAll("input, select, textarea").forEach(function (el) {
        if (el.type === "checkbox") el.checked = false;
        else if (el.tagName === "SELECT") el.selectedIndex = el.querySelector("[value=unknown]") ? Array.prototype.indexOf.call(el.options, el.querySelector("[value=unknown]")) : 0;
        else el.value = "";
        el.removeAttribute("aria-invalid");
      });
      copy.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
      copy.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
      renumber(copy, nextIndex());
      rows.appendChild(copy);
      relabel();
      var summary = copy.querySelector("summary");
      var legend = copy.querySelector("[data-row] > legend");
      if (summary && legend) summary.textContent = legend.textContent;
      var first = copy.querySelector("input.agency-input");
      if (first) first.focus();
    } else if (button.name === "remove_row") {
      e.preventDefault();
      var row = unitOf(button);
      if (units().length > 1) {
        row.remove();
      } else {
        row.querySelectorAll("input:not([type=checkbox]), textarea").forEach(function (el) { el.value = ""; });
        row.querySelectorAll("input[type=checkbox]").forEach(function (el) { el.checked = false; });
      }
      relabel();
    }
  });
})();
