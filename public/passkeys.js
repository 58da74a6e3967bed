// Passkey ceremonies for the forms marked data-passkey-sign-in or data-passkey-register.
// The page works without JavaScript (password, codes); only passkeys need it, and the page
// says so where this script does not run.
(function () {
  'use strict';
  var webauthn = window.SimpleWebAuthnBrowser;
  if (!webauthn || !webauthn.browserSupportsWebAuthn()) return;

  function fetchOptions(form) {
    var body = new URLSearchParams({ csrf: form.elements.csrf.value });
    return fetch(form.dataset.options, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: body,
    }).then(function (response) {
      if (!response.ok) throw new Error('options ' + response.status);
      return response.json();
    });
  }

  function submitWith(form, challengeId, result) {
    form.elements.challengeId.value = challengeId;
    form.elements.response.value = JSON.stringify(result);
    HTMLFormElement.prototype.submit.call(form);
  }

  // The server says what went wrong when an empty response is posted; a cancelled prompt
  // simply leaves the page as it was.
  function ceremony(form, start, autofill) {
    return fetchOptions(form).then(function (data) {
      return start({ optionsJSON: data.options, useBrowserAutofill: autofill }).then(function (result) {
        submitWith(form, data.challengeId, result);
      });
    }).catch(function (error) {
      if (error && (error.name === 'NotAllowedError' || error.name === 'AbortError')) return;
      form.elements.challengeId.value = '';
      form.elements.response.value = '';
      HTMLFormElement.prototype.submit.call(form);
    });
  }

  document.querySelectorAll('[data-passkey-area]').forEach(function (area) { area.hidden = false; });
  document.querySelectorAll('[data-passkey-nojs]').forEach(function (note) { note.hidden = true; });
  document.querySelectorAll('[data-passkey-button]').forEach(function (button) { button.hidden = false; });

  document.querySelectorAll('form[data-passkey-sign-in]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      webauthn.WebAuthnAbortService.cancelCeremony();
      ceremony(form, webauthn.startAuthentication, false);
    });
    if ('autofill' in form.dataset) {
      webauthn.browserSupportsWebAuthnAutofill().then(function (supported) {
        if (supported) ceremony(form, webauthn.startAuthentication, true);
      });
    }
  });

  document.querySelectorAll('form[data-passkey-register]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      ceremony(form, webauthn.startRegistration, false);
    });
  });
})();
