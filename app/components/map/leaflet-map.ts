import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import 'leaflet.markercluster/dist/MarkerCluster.Default.css';
import type { DealerPoint } from '../types.ts';

// The cluster plugin extends the global L it finds at load time.
(globalThis as unknown as { L: typeof L }).L = L;
await import('leaflet.markercluster');

const escapeHtml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function mountDealerMap(el: HTMLElement, points: DealerPoint[], opts: { tileUrl: string; attribution: string; base: string }): () => void {
  const map = L.map(el, { preferCanvas: true, zoomControl: true });
  L.tileLayer(opts.tileUrl, { attribution: opts.attribution, maxZoom: 18 }).addTo(map);
  // chunkedLoading keeps the page responsive while 10,000 markers are added.
  const cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
  const markers = points.map((p) => {
    const icon = L.divIcon({ className: `pin pin-${p.type}`, iconSize: [14, 14] });
    const m = L.marker([p.lat, p.lng], { icon, title: p.name, keyboard: true, alt: p.name });
    m.bindPopup(`<a href="${opts.base}/dealers/${encodeURIComponent(p.id)}">${escapeHtml(p.name)}</a><br>${escapeHtml(p.type.replace('_', '-'))} · ${escapeHtml(p.tier)}`);
    return m;
  });
  cluster.addLayers(markers);
  map.addLayer(cluster);
  if (points.length) map.fitBounds(L.latLngBounds(points.map((p) => [p.lat, p.lng] as [number, number])), { padding: [20, 20] });
  else map.setView([51, 10], 5);
  return () => map.remove();
}
