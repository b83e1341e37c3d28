// partnergraph: boots one network map inside the /embed/map page (the iframe), with the options of the
// page's own query string, and tells the parent page its height so the loader (embed.js) can resize the
// iframe. No cookies, no storage, no third-party requests.
import init, { mount } from './partnergraph_widgets.js';

const root = document.getElementById('partnergraph-map');
await init({ module_or_path: new URL('partnergraph_widgets_bg.wasm', import.meta.url) });
root.textContent = '';
mount(root, location.search.slice(1));

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
