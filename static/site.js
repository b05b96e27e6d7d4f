// The few buttons that need a script, declared in the pages by data attributes (the
// Content-Security-Policy allows no inline script). Without JavaScript they stay hidden
// (site.css) and the page says what to do instead.
document.documentElement.classList.add("js");

document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print], [data-copy]");
  if (!button) return;
  if (button.hasAttribute("data-print")) {
    window.print();
    return;
  }
  var source = document.getElementById(button.getAttribute("data-copy"));
  var done = function () { button.textContent = button.getAttribute("data-copied") || "已复制"; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source.value).then(done, function () { source.select(); });
  } else {
    // Plain HTTP (no Clipboard API): select the text and copy it the old way.
    source.select();
    if (document.execCommand("copy")) done();
  }
});

// Search as you type (hx-trigger "typed", after htmx's delay): never while an input method is
// composing (its 拼音 letters are not the name; compositionend brings the committed text), and
// never on fewer characters than data-search-min, but on none (an emptied name lists them all).
function typed(event) {
  var input = event.target;
  if (!input.hasAttribute || !input.hasAttribute("data-search-min") || event.isComposing) return;
  var length = input.value.trim().length;
  if (length === 0 || length >= Number(input.getAttribute("data-search-min"))) {
    input.dispatchEvent(new Event("typed"));
  }
}
document.addEventListener("input", typed);
document.addEventListener("compositionend", typed);

// An inline field check answers for the value it was sent. When the field holds something else
// by the time the answer arrives (retyped while a slow line carried the check), the answer is out
// of date: swapping it in would put the old value back over the correction, so it is dropped. The
// check of the new value (sent on its change, queued behind this one by htmx) answers instead.
document.addEventListener("htmx:beforeSwap", function (event) {
  // The answer replaces the field's wrapper (id "field-" + the input's id), see _macros.html.
  var wrapper = event.detail.target;
  var config = event.detail.requestConfig;
  if (!wrapper || !config || !wrapper.classList.contains("field") || wrapper.id.indexOf("field-") !== 0) return;
  var input = document.getElementById(wrapper.id.slice("field-".length));
  if (!input || !input.name || !input.matches("input, textarea, select")) return;
  if (input.multiple || /^(checkbox|radio|file)$/.test(input.type)) return;
  var sent = config.parameters.get(input.name);
  var plain = function (text) { return String(text).replace(/\r\n/g, "\n"); };
  if (typeof sent === "string" && plain(sent) !== plain(input.value)) {
    event.detail.shouldSwap = false;
  }
});
