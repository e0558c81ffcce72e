import L from 'leaflet';
import 'leaflet/dist/leaflet.css';

export interface RoutePoint { id: string; name: string; lat: number; lng: number; href: string }

const escapeHtml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The day's route: a line through the stops in visiting order, numbered pins, and where the rep is.
export function mountRouteMap(el: HTMLElement, opts: { tileUrl: string; attribution: string }) {
  const map = L.map(el, { zoomControl: true });
  L.tileLayer(opts.tileUrl, { attribution: opts.attribution, maxZoom: 18 }).addTo(map);
  const layer = L.layerGroup().addTo(map);
  return {
    show(points: RoutePoint[], me: { lat: number; lng: number; accuracy: number } | null) {
      layer.clearLayers();
      const path = points.map((p) => [p.lat, p.lng] as [number, number]);
      if (me) path.unshift([me.lat, me.lng]);
      if (path.length > 1) L.polyline(path, { color: '#0f5f8c', weight: 4, opacity: 0.8 }).addTo(layer);
      points.forEach((p, i) => {
        const icon = L.divIcon({ className: 'stop-pin', html: `<span>${i + 1}</span>`, iconSize: [26, 26] });
        L.marker([p.lat, p.lng], { icon, title: `${i + 1}. ${p.name}`, alt: `Stop ${i + 1}: ${p.name}`, keyboard: true })
          .bindPopup(`<a href="${p.href}">${i + 1}. ${escapeHtml(p.name)}</a>`).addTo(layer);
      });
      if (me) {
        L.circle([me.lat, me.lng], { radius: Math.max(me.accuracy, 10), color: '#2563eb', weight: 1, fillOpacity: 0.15 }).addTo(layer);
        L.circleMarker([me.lat, me.lng], { radius: 7, color: '#fff', weight: 2, fillColor: '#2563eb', fillOpacity: 1 }).bindTooltip('You are here').addTo(layer);
      }
      if (path.length) map.fitBounds(L.latLngBounds(path), { padding: [24, 24], maxZoom: 14 });
      else map.setView([51, 10], 5);
    },
    destroy: () => map.remove(),
  };
}
