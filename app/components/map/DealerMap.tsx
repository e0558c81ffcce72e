import { createResource, onCleanup, onMount, Show } from 'solid-js';
import { get } from '../../lib/api.ts';
import { me } from '../../lib/session.ts';
import type { DealerPoint } from '../types.ts';

// Leaflet and the cluster plugin load with the first map, never with the other screens.
export default function DealerMap(props: { base: string; label: string }) {
  let el!: HTMLDivElement;
  let destroy: (() => void) | undefined;
  const [points] = createResource(() => get<{ items: DealerPoint[] }>('/api/dealers/points'));
  onMount(async () => {
    const { mountDealerMap } = await import('./leaflet-map.ts');
    const wait = () => new Promise<void>((resolve) => {
      const tick = () => (points.state === 'ready' || points.state === 'errored' ? resolve() : setTimeout(tick, 30));
      tick();
    });
    await wait();
    const cfg = me()!.config;
    destroy = mountDealerMap(el, points()?.items ?? [], { tileUrl: cfg.tileUrl, attribution: cfg.tileAttribution, base: props.base });
  });
  onCleanup(() => destroy?.());
  return (
    <div class="map-wrap">
      <div ref={el} class="map" role="region" aria-label={props.label} />
      <Show when={points()}><p class="hint">{points()!.items.length} dealers on the map</p></Show>
    </div>
  );
}
