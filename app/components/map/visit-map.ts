import L from 'leaflet';
import 'leaflet/dist/leaflet.css';

export interface VisitPoint {
  id: string; dealerName: string; href: string; repName: string; at: string;
  lat: number; lng: number; dealerLat: number | null; dealerLng: number | null;
  // ok: verified, no flags; warn: verified but late or with a wrong clock; bad: out of radius.
  state: 'ok' | 'warn' | 'bad';
  detail: string;
}

const escapeHtml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Where visits were checked in: a pin per visit, coloured by how it was judged; an out-of-radius
// check-in gets a dashed line to the dealer it was meant for.
export function mountVisitMap(el: HTMLElement, opts: { tileUrl: string; attribution: string }) {
  const map = L.map(el, { zoomControl: true });
  L.tileLayer(opts.tileUrl, { attribution: opts.attribution, maxZoom: 18 }).addTo(map);
  const layer = L.layerGroup().addTo(map);
  return {
    show(points: VisitPoint[]) {
      layer.clearLayers();
      const bounds: Array<[number, number]> = [];
      for (const p of points) {
        bounds.push([p.lat, p.lng]);
        if (p.state === 'bad' && p.dealerLat !== null && p.dealerLng !== null) {
          L.polyline([[p.lat, p.lng], [p.dealerLat, p.dealerLng]], { color: '#cf222e', weight: 2, dashArray: '4 6', interactive: false }).addTo(layer);
          L.circleMarker([p.dealerLat, p.dealerLng], { radius: 4, color: '#59636e', weight: 1, fillOpacity: 0.6, interactive: false }).addTo(layer);
        }
        const what = p.state === 'ok' ? 'verified' : p.state === 'bad' ? 'out of radius' : 'flagged';
        const icon = L.divIcon({ className: `visit-pin visit-pin-${p.state}`, iconSize: [18, 18] });
        L.marker([p.lat, p.lng], { icon, title: `${p.dealerName} (${what})`, alt: `${p.dealerName}, ${what}`, keyboard: true })
          .bindPopup(`<a href="${p.href}">${escapeHtml(p.dealerName)}</a><br>${escapeHtml(p.at)}<br>${escapeHtml(p.repName)}${p.detail ? `<br>${escapeHtml(p.detail)}` : ''}`)
          .addTo(layer);
      }
      if (bounds.length) map.fitBounds(L.latLngBounds(bounds), { padding: [24, 24], maxZoom: 14 });
      else map.setView([51, 10], 5);
    },
    destroy: () => map.remove(),
  };
}
