import { createEffect, onCleanup, onMount } from 'solid-js';
import { me as session } from '../../lib/session.ts';
import type { VisitPoint } from './visit-map.ts';

// Leaflet loads with the first map only.
export default function VisitMap(props: { points: VisitPoint[]; label: string }) {
  let el!: HTMLDivElement;
  let view: { show: (p: VisitPoint[]) => void; destroy: () => void } | undefined;
  let gone = false;
  onMount(async () => {
    const { mountVisitMap } = await import('./visit-map.ts');
    if (gone) return;
    const cfg = session()!.config;
    view = mountVisitMap(el, { tileUrl: cfg.tileUrl, attribution: cfg.tileAttribution });
    view.show(props.points);
  });
  createEffect(() => { const p = props.points; view?.show(p); });
  onCleanup(() => { gone = true; view?.destroy(); });
  return (
    <div class="map-wrap">
      <div ref={el} class="map" role="region" aria-label={props.label} />
      <p class="hint">
        <span class="visit-key visit-pin-ok" aria-hidden="true" /> verified · <span class="visit-key visit-pin-warn" aria-hidden="true" /> late or wrong clock ·{' '}
        <span class="visit-key visit-pin-bad" aria-hidden="true" /> out of radius · {props.points.length} check-in{props.points.length === 1 ? '' : 's'} on the map
      </p>
    </div>
  );
}
