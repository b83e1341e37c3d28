// partnergraph: boots the widget of the page it is loaded in — the network map (/embed/map), the
// explorer (/explore) or the triangular explorer (/embed/triangles), chosen by the root's
// data-pg-widget — with the page's own query string, and tells a parent page its height so the loader
// (embed.js) can resize the iframe. No cookies, no storage, no third-party requests.
import init, { mount, mount_explorer, mount_triangles } from './partnergraph_widgets.js';

const root = document.getElementById('partnergraph-map');
await init({ module_or_path: new URL('partnergraph_widgets_bg.wasm', import.meta.url) });
root.textContent = '';
const options = location.search.slice(1);
const widget = root.dataset.pgWidget;
if (widget === 'explore') mount_explorer(root, options, '');
else if (widget === 'triangles') mount_triangles(root, options);
else mount(root, options);

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
