import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { label } from '../../lib/format.ts';
import { answerText, distance, flagsOf, minutes, questionLabel, when, type FieldSettingsView, type FieldVisit } from './visits.ts';

// Visits as cards: who, where, when, how long, what was flagged, notes, photos and answers.
// Each card carries data-visit=<id> and, when flagged, data-flag="out-of-radius late …".
export default function VisitList(props: { visits: FieldVisit[]; settings: FieldSettingsView; base: string; showDealer?: boolean; showRep?: boolean; empty?: string }) {
  return (
    <ul class="plain visits">
      <For each={props.visits} fallback={<li class="hint">{props.empty ?? 'No visits in this period.'}</li>}>{(v) => {
        const flags = () => flagsOf(v, props.settings);
        const title = () => (props.showDealer === false ? (v.repName ?? 'Unknown rep') : v.dealerName);
        return (
          <li class="visit" data-visit={v.id} data-flag={flags().length ? flags().join(' ') : undefined}>
            <h3>
              <Show when={props.showDealer !== false} fallback={title()}>
                <A href={`${props.base}/dealers/${v.dealerId}`}>{v.dealerName}</A>
              </Show>
            </h3>
            <p class="visit-meta">
              <Show when={props.showRep !== false && props.showDealer !== false}><span>{v.repName ?? 'Unknown rep'}</span> · </Show>
              <span>{v.checkInAt ? <>Checked in <time datetime={v.checkInAt}>{when(v.checkInAt)}</time></> : <>Planned <time datetime={v.plannedStart ?? ''}>{when(v.plannedStart)}</time></>}</span>
              {' · '}<span>{v.durationMin !== null ? minutes(v.durationMin) : v.checkInAt && !v.checkOutAt ? 'not checked out' : '—'}</span>{' '}
              <span class={`badge ${v.status === 'done' ? 'ok' : v.status === 'missed' ? 'bad' : ''}`}>{label(v.status)}</span>
              <Show when={v.visitType && v.visitType !== 'routine'}>{' '}<span class="badge">{label(v.visitType!)}</span></Show>
            </p>
            <Show when={flags().length}>
              <ul class="flags" aria-label="Flags">
                <Show when={flags().includes('out-of-radius')}>
                  <li class="badge bad">{distance(v.distanceM)} away{v.accuracyM !== null ? ` (±${Math.round(v.accuracyM)} m)` : ''} — reason: {v.reason || 'none given'}</li>
                </Show>
                <Show when={flags().includes('late')}><li class="badge warn">{minutes(v.lateMin)} late</li></Show>
                <Show when={flags().includes('clock-skew')}>
                  <li class="badge warn">Phone clock off by {minutes(Math.abs(v.clockSkewMs!) / 60_000)}</li>
                </Show>
              </ul>
            </Show>
            <Show when={v.notes}><p class="visit-notes">{v.notes}</p></Show>
            <Show when={v.photos.length}>
              <ul class="thumbs" aria-label="Photos">
                <For each={v.photos}>{(p, i) => (
                  <li><a href={`/api/photos/${p.sha256}`} target="_blank" rel="noopener">
                    <img src={`/api/photos/${p.sha256}`} alt={`Photo ${i() + 1} at ${v.dealerName}${p.questionId ? ` (${questionLabel(p.questionId)})` : ''}`} width="96" height="96" loading="lazy" />
                  </a></li>
                )}</For>
              </ul>
            </Show>
            <Show when={v.answers.length}>
              <dl class="answers" aria-label="Answers">
                <For each={v.answers}>{(a) => <div><dt>{questionLabel(a.questionId)}</dt><dd>{answerText(a.value)}</dd></div>}</For>
              </dl>
            </Show>
          </li>
        );
      }}</For>
    </ul>
  );
}
