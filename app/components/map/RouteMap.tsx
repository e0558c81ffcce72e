import { createEffect, onCleanup, onMount } from 'solid-js';
import { me as session } from '../../lib/session.ts';
import type { RoutePoint } from './route-map.ts';

// Leaflet loads with the first map only.
export default function RouteMap(props: { points: RoutePoint[]; me: { lat: number; lng: number; accuracy: number } | null; label: string }) {
  let el!: HTMLDivElement;
  let view: { show: (p: RoutePoint[], m: typeof props.me) => void; destroy: () => void } | undefined;
  onMount(async () => {
    const { mountRouteMap } = await import('./route-map.ts');
    const cfg = session()!.config;
    view = mountRouteMap(el, { tileUrl: cfg.tileUrl, attribution: cfg.tileAttribution });
    view.show(props.points, props.me);
  });
  createEffect(() => { const p = props.points; const m = props.me; view?.show(p, m); });
  onCleanup(() => view?.destroy());
  return <div class="map-wrap"><div ref={el} class="map" role="region" aria-label={props.label} /></div>;
}
