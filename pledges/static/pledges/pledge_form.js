// Drafting a pledge: picking a sector fills the items box with the sector's suggested items
// (pledges.sectors), unless the member has already written their own.
(function () {
  var select = document.querySelector("select[data-suggestions]");
  var box = document.getElementById("id_items");
  if (!select || !box) { return; }
  var suggestions = JSON.parse(select.getAttribute("data-suggestions"));
  select.addEventListener("change", function () {
    var untouched = box.value.trim() === "" || Object.keys(suggestions).some(function (code) {
      return suggestions[code] === box.value;
    });
    if (untouched && suggestions[select.value]) { box.value = suggestions[select.value]; }
  });
})();
