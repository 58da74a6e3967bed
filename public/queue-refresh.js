// The office queue updates itself, so new arrivals show: a reload every few seconds, put
// off while anything is typed in the page's fields (the search box has the focus, and a
// reload would throw away a reference half typed). A <meta> refresh could not wait, and
// fails WCAG 2.2.1 (timing adjustable). Without JavaScript the page keeps its link to
// update the list, and does not claim to update itself.
(function () {
  'use strict';
  var note = document.querySelector('[data-refresh-seconds]');
  if (!note) return;
  var seconds = Number(note.getAttribute('data-refresh-seconds'));
  if (!(seconds > 0)) return;
  note.hidden = false;
  function typedInto() {
    return Array.prototype.some.call(document.querySelectorAll('input:not([type=hidden]), textarea'), function (field) { return field.value !== ''; });
  }
  setInterval(function () {
    if (!typedInto()) window.location.reload();
  }, seconds * 1000);
})();
