"""A forward pass's caption per stage (storyboard `stage_captions`): while the pass's step that lights a
named layer is on screen (from the step's start to the next step's), its text; the shot's own caption
in the lead before the first step and from the answer on, and on a step that lights no named layer.
A step grouping several levels (a deep network, a short shot) shows its first named layer's text.
One caption at a time: at each change the old one fades out over the SWITCH_SECONDS / 2 before the
step starts and the new one in over the SWITCH_SECONDS / 2 after, never two overlaid (as a caption
fades out at a shot's end and the next one in at its start)."""

from __future__ import annotations

from collections.abc import Callable

from nnvox.scenes.follow import PassSchedule, pass_schedule

SWITCH_SECONDS = 0.3  # an old stage caption out, then the new one in


def step_captions(schedule: PassSchedule, blocks, captions: dict[str, str], whole: str | None) -> list[str | None]:
    """Each step's caption: its first named layer's (blocks in level order), else `whole`."""
    ordered = sorted(blocks, key=lambda b: b.order)  # (a stable sort: a level's blocks in the scene's order)
    texts = []
    for first, last in schedule.steps:
        named = [captions[b.name] for b in ordered if first <= b.order <= last and b.name in captions]
        texts.append(named[0] if named else whole)
    return texts


def caption_times(shot, scene) -> list[tuple[float, str | None]]:
    """The shot's captions as (start in seconds, text), in order: the shot's own, then each step's,
    then the shot's own again from the answer on (a text carried on where it does not change)."""
    if not shot.stage_captions or not shot.forward:
        return [(0.0, shot.caption)]
    schedule = pass_schedule(scene.levels, shot.duration)
    texts = step_captions(schedule, scene.blocks, dict(shot.stage_captions), shot.caption)
    starts = [schedule.lead + schedule.step * k for k in range(len(texts))]
    times = [(0.0, shot.caption)]
    for start, text in [*zip(starts, texts), (schedule.answer_start, shot.caption)]:
        if text != times[-1][1]:
            times.append((start, text))
    return times


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
