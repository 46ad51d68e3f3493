// xxgk web: the little the pages need beyond HTMX — uploads with progress, cell highlighting after
// live checks, charts. No inline scripts (the CSP forbids them): data comes in JSON <script> blocks.
(function () {
  "use strict";

  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : "";
  }

  // -- upload: several files, drag and drop, one request per file so each has its progress and result
  function setupUpload(zone) {
    var input = document.getElementById("files");
    var list = document.getElementById("upload-list");
    var url = zone.getAttribute("data-url");
    ["dragenter", "dragover"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) { send(e.dataTransfer.files); });
    zone.addEventListener("click", function (e) { if (e.target.tagName !== "INPUT") input.click(); });
    input.addEventListener("change", function () { send(input.files); input.value = ""; });

    function send(files) {
      Array.prototype.forEach.call(files, function (file) { one(file); });
    }
    function row(file) {
      var li = document.createElement("li");
      var name = document.createElement("span"); name.className = "name"; name.textContent = file.name;
      var bar = document.createElement("progress"); bar.max = 100; bar.value = 0;
      var result = document.createElement("span"); result.className = "result muted"; result.textContent = "上传中…";
      li.appendChild(name); li.appendChild(bar); li.appendChild(result);
      list.appendChild(li);
      return { li: li, bar: bar, result: result };
    }
    function one(file) {
      var r = row(file);
      var xhr = new XMLHttpRequest();
      var form = new FormData();
      form.append("files", file, file.name);
      xhr.open("POST", url);
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) r.bar.value = Math.round(100 * e.loaded / e.total);
      });
      xhr.upload.addEventListener("load", function () {
        r.result.textContent = "解析、检查中…";
      });
      xhr.addEventListener("load", function () {
        r.bar.value = 100;
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        r.result.textContent = "";
        r.result.className = "result";
        if (!data || !data.results || !data.results.length) {
          var msg = (data && data.detail) ? data.detail : ("上传失败（HTTP " + xhr.status + "）");
          if (typeof msg !== "string") msg = JSON.stringify(msg);
          badge(r.result, "error", "失败"); text(r.result, " " + msg);
          r.li.setAttribute("data-status", "failed");
          return;
        }
        var item = data.results[0];
        r.li.setAttribute("data-status", item.status);
        if (item.status === "failed" || item.status === "refused" || item.status === "outside") {
          badge(r.result, "error", item.status === "failed" ? "失败" : "无权上传");
          text(r.result, " " + item.error);
          return;
        }
        badge(r.result, item.status === "duplicate" ? "grey" : "ok", item.status === "duplicate" ? "重复" : "已入库");
        var a = document.createElement("a");
        a.href = item.url; a.textContent = " " + (item.agency || "（未识别机关）") + " " + (item.year || "") + "年度";
        r.result.appendChild(a);
        var n = item.errors || 0, w = item.warnings || 0;
        text(r.result, "　");
        badge(r.result, n ? "error" : "ok", "错误 " + n);
        text(r.result, " ");
        badge(r.result, w ? "warning" : "grey", "警告 " + w);
      });
      xhr.addEventListener("error", function () {
        r.result.textContent = "网络错误，未能上传";
        r.li.setAttribute("data-status", "failed");
      });
      xhr.send(form);
    }
    function badge(parent, cls, label) {
      var b = document.createElement("span"); b.className = "badge " + cls; b.textContent = label; parent.appendChild(b);
    }
    function text(parent, t) { parent.appendChild(document.createTextNode(t)); }
  }

  // -- tables: mark the cells the latest check names (failing cells, suspects) -------------------
  function markCells(root) {
    var holder = root.querySelector ? root.querySelector("[data-check-cells]") : null;
    if (!holder) return;
    var data = JSON.parse(holder.getAttribute("data-check-cells"));
    var scope = document.getElementById(holder.getAttribute("data-table") || "tables");
    if (!scope) return;
    scope.querySelectorAll("td.v").forEach(function (td) {
      var k = td.getAttribute("data-key");
      td.classList.toggle("fail", data.failing.indexOf(k) >= 0);
      td.classList.toggle("suspect", data.suspects.indexOf(k) >= 0);
    });
  }

  // -- charts (ECharts), options prepared by the server ------------------------------------------
  function drawCharts(root) {
    if (!window.echarts) return;
    (root.querySelectorAll ? root : document).querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src) return;
      var option = JSON.parse(src.textContent);
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option, true);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // -- selected cell ---------------------------------------------------------------------------
  function selectCells(root) {
    document.addEventListener("click", function (e) {
      var td = e.target.closest ? e.target.closest("td.v[data-key]") : null;
      if (!td || e.target.tagName === "INPUT") return;
      document.querySelectorAll("td.v.selected").forEach(function (x) { x.classList.remove("selected"); });
      td.classList.add("selected");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var zone = document.getElementById("drop");
    if (zone) setupUpload(zone);
    markCells(document);
    drawCharts(document);
    selectCells(document);
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    markCells(e.detail.target);
    drawCharts(e.detail.target);
  });
  // A refused or failed HTMX request (403, 422, 500…): say so instead of silently not swapping.
  document.addEventListener("htmx:responseError", function (e) {
    var detail = "";
    try { detail = JSON.parse(e.detail.xhr.responseText).detail; } catch (err) { /* not JSON */ }
    if (typeof detail !== "string") detail = "";
    window.alert((detail || "操作未能完成") + "（HTTP " + e.detail.xhr.status + "）");
  });
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = csrf();
  });
})();
