// The topic pages' script, served as a static file. Plain DOM and fetch only (it must run in
// any Chromium). It waits FILL_DELAY_MS before each request, so a crawler that reads the page at
// "load" sees an empty list and has to wait for `ul[data-loaded="true"]` instead.
export const FILL_DELAY_MS = 150

export const TOPIC_SCRIPT = `(function () {
  'use strict';
  var list = document.querySelector('ul.other-story-list[data-topic]');
  if (!list) return;
  var topic = list.getAttribute('data-topic');
  var button = null;

  function setNext(next) {
    if (next === null) {
      if (button) button.parentNode.removeChild(button);
      button = null;
      return;
    }
    if (!button) {
      button = document.createElement('button');
      button.className = 'load-more';
      button.textContent = 'Load more';
      button.addEventListener('click', function () {
        button.disabled = true;
        // Settled again (data-loaded="true") once the next page is appended.
        list.setAttribute('data-loaded', 'false');
        load(button.getAttribute('data-next'));
      });
      list.parentNode.insertBefore(button, list.nextSibling);
    }
    button.setAttribute('data-next', next);
    button.disabled = false;
  }

  function load(url) {
    setTimeout(function () {
      fetch(url, { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
        .then(function (res) {
          if (!res.ok) throw new Error('HTTP ' + res.status + ' for ' + url);
          return res.text();
        })
        .then(function (html) {
          var tpl = document.createElement('template');
          tpl.innerHTML = html;
          var fragment = tpl.content.querySelector('ul.other-story-list');
          var cards = tpl.content.querySelectorAll('ul.other-story-list > li');
          for (var i = 0; i < cards.length; i++) list.appendChild(cards[i]);
          var more = tpl.content.querySelector('button.load-more');
          setNext(more ? more.getAttribute('data-next') : null);
          list.setAttribute('data-page', fragment ? fragment.getAttribute('data-page') : '');
          list.setAttribute('data-loaded', 'true');
        })
        .catch(function (err) {
          list.setAttribute('data-error', String(err && err.message ? err.message : err));
          if (button) button.disabled = false;
        });
    }, ${FILL_DELAY_MS});
  }

  load('/wp-json/replica/v1/topics/' + encodeURIComponent(topic) + '?page=1');
})();
`
