// atsgate connect page: in-place submission, first-sync progress and the postMessage events of
// the official embed (@kombo-api/connect listens for {type:'success', data:{activation_token}}
// and {type:'close'} from its iframe). Served same-origin; no dependencies.
(function () {
  'use strict';
  var embedded = window.parent !== window;
  document.documentElement.classList.toggle('embedded', embedded);
  var activationToken = null;

  // After "Sign in with <ATS>": atsgate's callback lands on this page with the activation token
  // in the fragment. In the sign-in's popup (the embed's iframe cannot show the vendor's login
  // page), hand it to the iframe that opened it and close; otherwise keep it for the embed.
  var fromSignIn = /[#&]activation_token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  var opener = null;
  if (fromSignIn) {
    activationToken = fromSignIn[1];
    history.replaceState(null, '', window.location.pathname + window.location.search);
    try {
      opener = window.opener && window.opener.location.origin === window.location.origin ? window.opener : null;
    } catch {
      opener = null;
    }
    if (opener) {
      opener.postMessage({ type: 'atsgate-oauth', activation_token: activationToken }, window.location.origin);
      window.close();
    }
  }
  window.addEventListener('message', function (e) {
    if (e.origin !== window.location.origin || !e.data || e.data.type !== 'atsgate-oauth') return;
    // The link is connected now: show its progress page, keeping the token for the embed.
    window.location.hash = 'activation_token=' + e.data.activation_token;
    window.location.reload();
  });
  var oauthForm = document.getElementById('oauth-form');
  // A named window, not _blank: browsers give _blank no opener, and the popup needs it.
  if (oauthForm && embedded) oauthForm.target = 'atsgate-oauth';

  // The embed checks that messages come from its iframe (event.source), not their origin, and
  // cannot tell us its origin; the activation token is useless without the app's API key.
  function post(message) {
    if (embedded) window.parent.postMessage(message, '*');
  }
  function finish() {
    if (activationToken) post({ type: 'success', data: { activation_token: activationToken } });
    else post({ type: 'close' });
  }

  var close = document.getElementById('close');
  if (close && embedded) {
    close.hidden = false;
    // Once the integration exists, closing still reports it: the app must learn about it.
    close.addEventListener('click', finish);
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') finish();
    });
  }

  var form = document.getElementById('connect-form');
  var errorBox = document.getElementById('form-error');
  var submit = document.getElementById('submit');
  if (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var body = new URLSearchParams(new FormData(form));
      submit.disabled = true;
      submit.textContent = 'Checking…';
      form.setAttribute('aria-busy', 'true');
      fetch(form.action, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: body,
      })
        .then(function (res) {
          return res.json().then(function (json) {
            return { ok: res.ok, json: json };
          });
        })
        .then(function (r) {
          if (!r.ok) throw new Error((r.json && r.json.error && r.json.error.message) || 'The connection failed.');
          activationToken = r.json.data.activation_token;
          document.getElementById('credentials').hidden = true;
          var progress = document.getElementById('progress');
          progress.hidden = false;
          document.getElementById('progress-title').focus();
          poll(progress);
        })
        .catch(function (err) {
          errorBox.textContent = err && err.message ? err.message : 'The connection failed.';
          errorBox.hidden = false;
          errorBox.focus();
        })
        .finally(function () {
          submit.disabled = false;
          submit.textContent = submit.dataset.label || 'Connect';
          form.removeAttribute('aria-busy');
        });
    });
    submit.dataset.label = submit.textContent;
  }

  var done = document.getElementById('done');
  if (done) {
    done.addEventListener('click', function () {
      if (embedded) return finish();
      document.getElementById('close-hint').hidden = false;
      done.hidden = true;
    });
  }

  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's');
  }

  function poll(section) {
    var text = document.getElementById('sync-text');
    var counts = document.getElementById('sync-counts');
    var bar = document.getElementById('sync-bar');
    function tick() {
      fetch(section.dataset.statusUrl, { headers: { accept: 'application/json' } })
        .then(function (res) {
          return res.json();
        })
        .then(function (json) {
          var s = json.data;
          if (s.records) {
            counts.textContent =
              plural(s.records.jobs, 'job') +
              ' · ' +
              plural(s.records.candidates, 'candidate') +
              ' · ' +
              plural(s.records.applications, 'application') +
              ' synced';
          }
          if (s.webhook) {
            document.getElementById('vendor-webhook-text').textContent = s.webhook.instructions;
            document.getElementById('vendor-webhook-url').textContent = s.webhook.url;
            document.getElementById('vendor-webhook-secret').textContent = s.webhook.secret || '';
            document.getElementById('vendor-webhook-secret-row').hidden = !s.webhook.secret;
            document.getElementById('vendor-webhook-key').hidden = !s.webhook.vendor_secret;
            if (s.webhook.vendor_secret) {
              document.getElementById('vendor-webhook-key-label').textContent = s.webhook.vendor_secret.label;
              if (s.webhook.vendor_secret.saved) document.getElementById('vendor-webhook-key-state').textContent = 'Saved.';
            }
            document.getElementById('vendor-webhook').hidden = false;
          }
          var state = s.sync ? s.sync.state : 'RUNNING';
          if (s.setup_status === 'COMPLETED' && state !== 'RUNNING') state = 'SUCCEEDED';
          if (state === 'SUCCEEDED') {
            text.textContent = 'First sync complete.';
            bar.max = 1;
            bar.value = 1;
            return;
          }
          if (state === 'FAILED') {
            text.textContent =
              'The first sync failed: ' + (s.sync.error || 'unknown error') + ' The connection is saved and will be synced again.';
            bar.hidden = true;
            return;
          }
          setTimeout(tick, 1000);
        })
        .catch(function () {
          setTimeout(tick, 3000);
        });
    }
    tick();
  }

  var shown = document.getElementById('progress');
  if (shown && !shown.hidden) poll(shown);
})();
