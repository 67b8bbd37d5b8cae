"""A forward pass's caption per stage (storyboard `stage_captions`): while the pass walks (its lead on
the input and its steps), the caption of the step on screen, from the step's start to the next step's
(the first step's from the shot's start: the lead dives towards it), or none on a step that lights no
named layer; the shot's own caption (the pass's summary) only once the answer is reached, held to the
end. A step grouping several levels (a deep network, a short shot) shows its first named layer's text.
No text is shown for less than MIN_CAPTION_SECONDS: a shorter one gives way to the text before it (a
step too short to read its caption keeps the one before; one at the start shows none). The summary
shown over the 1 s lead, then replaced, flashed for 1.3 s as the camera dived (watch 8, finding 3).
One caption at a time: at each change the old one fades out over the SWITCH_SECONDS / 2 before the
step starts and the new one in over the SWITCH_SECONDS / 2 after, never two overlaid (as a caption
fades out at a shot's end and the next one in at its start)."""

from __future__ import annotations

from collections.abc import Callable

from nnvox.scenes.follow import RISE_LEAD, PassSchedule, pass_schedule

# an old stage caption out, then the new one in: out from when a step's covers start to change (its
# RISE_LEAD), so that all of a step's changes end with its travel and the hold after it stays still
SWITCH_SECONDS = 2 * RISE_LEAD
MIN_CAPTION_SECONDS = 2.0  # the shortest a caption stays: under it, a text flashes by unread


def step_captions(schedule: PassSchedule, blocks, captions: dict[str, str]) -> list[str | None]:
    """Each step's caption: its first named layer's (blocks in level order), else None."""
    ordered = sorted(blocks, key=lambda b: b.order)  # (a stable sort: a level's blocks in the scene's order)
    texts = []
    for first, last in schedule.steps:
        named = [captions[b.name] for b in ordered if first <= b.order <= last and b.name in captions]
        texts.append(named[0] if named else None)
    return texts


def _lasting(times: list[tuple[float, str | None]], duration: float) -> list[tuple[float, str | None]]:
    """`times` with each text shown under MIN_CAPTION_SECONDS given to the one before (none at the
    start), and runs of one text joined."""
    kept: list[tuple[float, str | None]] = []
    for k, (start, text) in enumerate(times):
        end = times[k + 1][0] if k + 1 < len(times) else duration
        if text is not None and end - start < MIN_CAPTION_SECONDS - 1e-9:
            text = kept[-1][1] if kept else None
        if not kept or text != kept[-1][1]:
            kept.append((start, text))
    return kept


def caption_times(shot, scene) -> list[tuple[float, str | None]]:
    """The shot's captions as (start in seconds, text), in order: each step's (the first's from the
    shot's start), then the shot's own from the answer on (a text carried on where it does not change)."""
    if not shot.stage_captions or not shot.forward:
        return [(0.0, shot.caption)]
    schedule = pass_schedule(scene.levels, shot.duration)
    texts = step_captions(schedule, scene.blocks, dict(shot.stage_captions))
    starts = [0.0] + [schedule.lead + schedule.step * k for k in range(1, len(texts))]
    return _lasting([*zip(starts, texts), (schedule.answer_start, shot.caption)], shot.duration)


def stage_caption(shot, scene) -> Callable[[float], tuple[str | None, float]]:
    """The caption at each fraction (0..1) of `shot` and how far (0..1) it is shown for a switch
    (the shot's own fade at its ends aside: storyboard_export)."""
    times = caption_times(shot, scene)
    half = SWITCH_SECONDS / 2

    def at(p: float) -> tuple[str | None, float]:
        seconds = p * shot.duration
        k = max(i for i, (start, _) in enumerate(times) if start <= seconds or i == 0)
        start, text = times[k]
        after = seconds - start if k > 0 else half  # into its own: fading in
        before = times[k + 1][0] - seconds if k + 1 < len(times) else half  # to the next: fading out
        return text, min(1.0, max(0.0, min(after, before) / half))

    return at
