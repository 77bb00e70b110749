// The violations table of a plumb audit: filter (rule, severity, text), sort, paginate.
// Everything from the repository is written with textContent, never parsed as HTML. The state
// lives in the URL fragment (#rule=SYN001&q=models&page=2) so a filtered view can be linked.
(function () {
  "use strict";
  var PAGE = 100;
  var data = JSON.parse(document.getElementById("plumb-data").textContent);
  var rows = data.rows; // [file index, line, column, rule index, severity index, message]
  var body = document.querySelector("#violations tbody");
  var ruleSelect = document.getElementById("filter-rule");
  var severitySelect = document.getElementById("filter-severity");
  var search = document.getElementById("filter-text");
  var status = document.getElementById("table-status");
  var state = { rule: "", severity: "", q: "", sort: "path", desc: false, page: 1 };

  function option(select, value) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = value;
    select.appendChild(element);
  }
  data.rules.forEach(function (code) { option(ruleSelect, code); });
  data.severities.forEach(function (name) { option(severitySelect, name); });

  function readFragment() {
    var params = new URLSearchParams(location.hash.slice(1));
    state.rule = params.get("rule") || "";
    state.severity = params.get("severity") || "";
    state.q = params.get("q") || "";
    state.sort = params.get("sort") || "path";
    state.desc = params.get("desc") === "1";
    state.page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
    ruleSelect.value = state.rule;
    severitySelect.value = state.severity;
    search.value = state.q;
  }

  function writeFragment() {
    var params = new URLSearchParams();
    if (state.rule) params.set("rule", state.rule);
    if (state.severity) params.set("severity", state.severity);
    if (state.q) params.set("q", state.q);
    if (state.sort !== "path") params.set("sort", state.sort);
    if (state.desc) params.set("desc", "1");
    if (state.page > 1) params.set("page", String(state.page));
    var fragment = params.toString();
    history.replaceState(null, "", fragment ? "#" + fragment : location.pathname + location.search);
  }

  var keys = {
    path: function (row) { return [data.files[row[0]], row[1], row[2]]; },
    rule: function (row) { return [data.rules[row[3]], data.files[row[0]], row[1]]; },
    severity: function (row) { return [-row[4], data.files[row[0]], row[1]]; },
    message: function (row) { return [row[5], data.files[row[0]], row[1]]; }
  };

  function compare(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }

  function selected() {
    var rule = data.rules.indexOf(state.rule);
    var severity = data.severities.indexOf(state.severity);
    var q = state.q.toLowerCase();
    var kept = rows.filter(function (row) {
      if (state.rule && row[3] !== rule) return false;
      if (state.severity && row[4] !== severity) return false;
      if (q && data.files[row[0]].toLowerCase().indexOf(q) < 0 &&
          row[5].toLowerCase().indexOf(q) < 0) return false;
      return true;
    });
    var key = keys[state.sort] || keys.path;
    kept.sort(function (a, b) {
      var order = compare(key(a), key(b));
      return state.desc ? -order : order;
    });
    return kept;
  }

  // `./` first, each segment percent-encoded: a path never becomes a URL scheme.
  function href(path, line) {
    var encoded = path.split("/").map(encodeURIComponent).join("/");
    if (data.link_base) return data.link_base.replace(/\/$/, "") + "/" + encoded + "#L" + line;
    return (path.charAt(0) === "." ? "" : "./") + encoded;
  }

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function render() {
    var kept = selected();
    var pages = Math.max(1, Math.ceil(kept.length / PAGE));
    state.page = Math.min(state.page, pages);
    var start = (state.page - 1) * PAGE;
    var fragment = document.createDocumentFragment();
    kept.slice(start, start + PAGE).forEach(function (row) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-rule", data.rules[row[3]]);
      var path = data.files[row[0]];
      var where = document.createElement("a");
      where.setAttribute("href", href(path, row[1]));
      where.textContent = path + ":" + row[1] + ":" + row[2];
      cell(tr, "", "path").appendChild(where);
      cell(tr, data.rules[row[3]]);
      var severity = data.severities[row[4]];
      cell(tr, severity, "sev-" + severity);
      cell(tr, row[5], "msg");
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
    status.textContent = (kept.length ? (start + 1) + "\u2013" + Math.min(start + PAGE, kept.length) : "0") +
      " of " + kept.length + " violations" +
      (kept.length === rows.length ? "" : " (filtered from " + rows.length + ")") +
      ", page " + state.page + " of " + pages;
    document.getElementById("page-prev").disabled = state.page <= 1;
    document.getElementById("page-next").disabled = state.page >= pages;
    writeFragment();
  }

  function changed() { state.page = 1; render(); }
  ruleSelect.addEventListener("change", function () { state.rule = ruleSelect.value; changed(); });
  severitySelect.addEventListener("change", function () { state.severity = severitySelect.value; changed(); });
  search.addEventListener("input", function () { state.q = search.value; changed(); });
  document.getElementById("page-prev").addEventListener("click", function () { state.page -= 1; render(); });
  document.getElementById("page-next").addEventListener("click", function () { state.page += 1; render(); });
  document.querySelectorAll("#violations th[data-sort]").forEach(function (th) {
    th.addEventListener("click", function () {
      var key = th.getAttribute("data-sort");
      state.desc = state.sort === key ? !state.desc : false;
      state.sort = key;
      render();
    });
  });
  window.addEventListener("hashchange", function () { readFragment(); render(); });
  readFragment();
  render();
  document.body.setAttribute("data-ready", "1");
})();
