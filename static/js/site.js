// Ask before destructive actions: any form with data-confirm.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) { event.preventDefault(); }
});

// Filter long checkbox lists (liaison.forms.CheckboxList) as the user types.
document.addEventListener("input", function (event) {
  if (!event.target.matches("[data-filter-list]")) { return; }
  var needle = event.target.value.trim().toLowerCase();
  var list = event.target.closest(".checkbox-list");
  list.querySelectorAll("[data-option]").forEach(function (option) {
    var text = option.textContent.toLowerCase();
    var checked = option.querySelector("input").checked;
    option.hidden = needle !== "" && !checked && text.indexOf(needle) === -1;
  });
});

// Long jobs (compliance runs, PDF reports): the page polls the job's JSON status and updates
// itself in place; the blocks marked data-job-done / data-job-failed appear when it ends.
document.querySelectorAll("[data-job-status]").forEach(function (box) {
  var url = box.getAttribute("data-job-status");
  function show(selector, visible) {
    box.querySelectorAll(selector).forEach(function (el) { el.hidden = !visible; });
  }
  function update(job) {
    box.querySelectorAll("[data-job-label]").forEach(function (el) { el.textContent = job.status_label; });
    box.querySelectorAll("[data-job-rows]").forEach(function (el) { el.textContent = job.rows; });
    box.querySelectorAll("[data-job-error]").forEach(function (el) { el.textContent = job.error || ""; });
    box.querySelectorAll("[data-job-progress]").forEach(function (bar) {
      bar.style.width = job.progress + "%";
      bar.textContent = job.progress + "%";
      bar.parentNode.setAttribute("aria-valuenow", job.progress);
      if (job.finished) { bar.classList.remove("progress-bar-striped", "progress-bar-animated"); }
    });
    show("[data-job-waiting]", !job.finished);
    show("[data-job-done]", job.status === "done");
    show("[data-job-failed]", job.status === "failed");
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (job) {
        update(job);
        if (!job.finished) { setTimeout(poll, 2000); }
        // A page whose finished state shows more than the box (an import's preview) reloads.
        else if (box.hasAttribute("data-job-reload")) { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  if (box.getAttribute("data-job-finished") !== "true") { setTimeout(poll, 1000); }
});

// A form marked data-once (on the form or on the button that sends it) cannot be sent twice:
// its buttons are disabled on the first submit.
document.addEventListener("submit", function (event) {
  var form = event.target, submitter = event.submitter;
  var once = form.hasAttribute("data-once") || (submitter && submitter.hasAttribute("data-once"));
  if (event.defaultPrevented || !once) { return; }
  // Right after the event: a button disabled during it would drop its own name and value
  // (e.g. 撤回公开) from what the browser sends.
  setTimeout(function () {
    form.querySelectorAll("button:not([type=button])").forEach(function (button) {
      button.disabled = true;
      button.textContent = button.getAttribute("data-busy-text") || "处理中…";
    });
  }, 0);
});

// Small behaviours declared in the markup (the Content-Security-Policy allows no inline script).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches("[data-autosubmit]")) { target.form.submit(); }
  if (target.matches("[data-check-all]")) {
    var name = target.getAttribute("data-check-all");
    document.querySelectorAll("input[name='" + name + "']").forEach(function (box) {
      box.checked = target.checked;
    });
  }
});
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-history-back]");
  if (link && window.history.length > 1) { event.preventDefault(); window.history.back(); }
});
