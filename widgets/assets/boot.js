// partnergraph: boots the widget of the page it is loaded in — the network map (/embed/map), the
// explorer (/explore), the triangular explorer (/embed/triangles) or the dashboard (/embed/dashboard), chosen by the root's
// data-pg-widget — with the page's own query string, and tells a parent page its height so the loader
// (embed.js) can resize the iframe. No cookies, no storage, no third-party requests.
// The map embed loads the map's own build (`partnergraph_map`, without the explorer's code); the explorer
// the triangles the whole one (`partnergraph_widgets`), the dashboard its own (`partnergraph_dashboard`).
const root = document.getElementById('partnergraph-map');
const widget = root.dataset.pgWidget;
const builds = { explore: 'partnergraph_widgets', triangles: 'partnergraph_widgets', dashboard: 'partnergraph_dashboard' };
const build = builds[widget] || 'partnergraph_map';
const glue = await import(`./${build}.js`);
await glue.default({ module_or_path: new URL(`${build}_bg.wasm`, import.meta.url) });
root.textContent = '';
const options = location.search.slice(1);
if (widget === 'explore') glue.mount_explorer(root, options, '');
else if (widget === 'triangles') glue.mount_triangles(root, options);
else if (widget === 'dashboard') glue.mount_dashboard(root, options);
else glue.mount(root, options);

if (window.parent !== window) {
  let last = 0;
  const post = () => {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: 'partnergraph:resize', height }, '*');
    }
  };
  new ResizeObserver(post).observe(document.body);
  post();
}
