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
