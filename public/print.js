// The print button on the registration slip: shown only where this script runs; without
// it, the page says to use the browser's own print.
(function () {
  'use strict';
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });
  document.querySelectorAll('[data-print-nojs]').forEach(function (note) { note.hidden = true; });
})();
