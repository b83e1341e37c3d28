/*! partnergraph embed loader: puts a network map where each
 *  <script src="https://HOST/embed.js" data-partnergraph="map" data-focus="network:wacap" async></script>
 *  stands. Options (data-*): focus, depth, layout (force|geo), as-of, lang, controls (full|simple|bare),
 *  height, limit, title; mount="direct" (or target="#css-selector") mounts into the page instead of an
 *  iframe. Iframes (also those pasted from /oembed, marked data-partnergraph-frame) are resized to their
 *  content. data-partnergraph="triangles" places the triangular explorer instead (options: involving,
 *  role, agency-type, region, sdg, from-year, to-year, as-of, lang); data-partnergraph="dashboard" the
 *  monitoring dashboard (options: focus, lang). Read-only: no cookies, no storage, no telemetry, no requests but to HOST. */
(function () {
  'use strict';
  var script = document.currentScript || document.querySelector('script[src$="/embed.js"]');
  if (!script) return;
  var origin = new URL(script.src, location.href).origin;
  var OPTIONS = ['focus', 'depth', 'layout', 'asOf', 'lang', 'controls', 'height', 'limit',
    'involving', 'role', 'agencyType', 'region', 'sdg', 'fromYear', 'toYear'];
  // Shared by every copy of this script on the page (several tags may each run it).
  var shared = window.__partnergraphEmbed || (window.__partnergraphEmbed = { frames: [], loading: {}, listening: false });
  var frames = shared.frames;

  function params(el) {
    var query = new URLSearchParams();
    OPTIONS.forEach(function (key) {
      var value = el.dataset[key];
      if (value) query.set(key, value);
    });
    return query;
  }

  function place(el, script) {
    var parent = script.parentNode;
    if (!parent || parent === document.head) document.body.appendChild(el);
    else parent.insertBefore(el, script);
  }

  function watch(frame) {
    if (frames.indexOf(frame) < 0) frames.push(frame);
  }

  function widget(tag) {
    var kind = tag.dataset.partnergraph;
    return kind === 'triangles' || kind === 'dashboard' ? kind : 'map';
  }

  var TITLES = { map: 'Partnership network map', triangles: 'Triangular partnerships', dashboard: 'Cooperation at a glance' };

  function iframe(tag, query) {
    var frame = document.createElement('iframe');
    frame.src = origin + '/embed/' + widget(tag) + '?' + query.toString();
    frame.title = tag.dataset.title || TITLES[widget(tag)];
    frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-downloads');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.setAttribute('data-partnergraph-frame', '');
    frame.style.width = '100%';
    frame.style.border = '0';
    frame.style.display = 'block';
    frame.style.height = ((parseInt(query.get('height'), 10) || 520) + 170) + 'px';
    place(frame, tag);
    watch(frame);
  }

  function stylesheet(name) {
    var href = origin + '/widgets/' + name;
    if (document.querySelector('link[href="' + href + '"]')) return;
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    document.head.appendChild(link);
  }

  function direct(tag, query) {
    var target = tag.dataset.target ? document.querySelector(tag.dataset.target) : null;
    if (!target) {
      target = document.createElement('div');
      place(target, tag);
    }
    target.classList.add('pg-host');
    query.set('api', origin);
    stylesheet('widgets.css');
    if (widget(tag) !== 'map') stylesheet('explore.css');
    // The map and the dashboard each have their own, smaller build; the triangles come with the explorer's.
    var build = { map: 'partnergraph_map', dashboard: 'partnergraph_dashboard' }[widget(tag)] || 'partnergraph_widgets';
    var key = origin + '/' + build;
    if (!shared.loading[key]) {
      shared.loading[key] = import(origin + '/widgets/' + build + '.js').then(function (module) {
        return module.default({ module_or_path: origin + '/widgets/' + build + '_bg.wasm' }).then(function () { return module; });
      });
    }
    shared.loading[key].then(function (module) {
      if (widget(tag) === 'triangles') module.mount_triangles(target, query.toString());
      else if (widget(tag) === 'dashboard') module.mount_dashboard(target, query.toString());
      else module.mount(target, query.toString());
    }, function (err) {
      target.textContent = 'The partnership map could not be loaded.';
      if (window.console) console.error('partnergraph:', err);
    });
  }

  function run() {
    var tags = document.querySelectorAll('script[data-partnergraph]:not([data-partnergraph-done])');
    Array.prototype.forEach.call(tags, function (tag) {
      if (new URL(tag.src, location.href).origin !== origin) return;
      tag.setAttribute('data-partnergraph-done', '');
      var query = params(tag);
      if (tag.dataset.mount === 'direct' || (tag.dataset.target && tag.dataset.mount !== 'iframe')) direct(tag, query);
      else iframe(tag, query);
    });
    Array.prototype.forEach.call(document.querySelectorAll('iframe[data-partnergraph-frame]'), watch);
  }

  if (!shared.listening) {
    shared.listening = true;
    window.addEventListener('message', function (event) {
      var data = event.data;
      if (!data || data.type !== 'partnergraph:resize') return;
      var height = Math.max(160, Math.min(5000, Math.ceil(Number(data.height) || 0)));
      frames.forEach(function (frame) {
        if (frame.contentWindow === event.source && new URL(frame.src).origin === event.origin) frame.style.height = height + 'px';
      });
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})();
